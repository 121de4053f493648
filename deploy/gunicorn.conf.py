"""Gunicorn settings for the portal: `gunicorn -c deploy/gunicorn.conf.py 'portal:create_app()'`.

Every value can be overridden from the environment (GUNICORN_BIND, GUNICORN_WORKERS, ...).
"""

import multiprocessing
import os

from gunicorn.glogging import Logger

from portal.logredact import redact

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: requests are short and the database does the waiting.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
max_requests = 20000  # recycle workers now and then (not so often that load makes them cold)
max_requests_jitter = 2000
accesslog = "-"
# The request id the portal puts in X-Request-ID also reaches the access log.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms id=%({x-request-id}o)s'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


class RedactingLogger(Logger):
    """The access log without the tokens of mailed links (confirm, reset, email change)."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "q"):
            if atoms.get(key):
                atoms[key] = redact(atoms[key])
        return atoms


logger_class = RedactingLogger
