"""A seeded portal under gunicorn in a throw-away instance directory (shared by the bench scripts).

    with seeded_server(workers=2) as server:
        cookie = sign_in(server.url)
        ...

The server uses the embedded SQLite database in a temporary ``PORTAL_INSTANCE_DIR``; it is
migrated and loaded with the demo data (``flask db upgrade``, ``flask demo seed``) first.
Gunicorn is always stopped, by its pid, when the block ends, errors included.
"""

from __future__ import annotations

import contextlib
import http.client
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # the virtualenv's bin/ (do not resolve the symlink)

DEMO_EMAIL = "emily.carter@example.com"
DEMO_PASSWORD = "seoul-demo-2026"  # noqa: S105 - the published demo password

# Variables that would point the portal at something other than the throw-away SQLite file.
_DROPPED_ENV = ("DATABASE_URL", "PORTAL_ENV", "SITE_URL", "TRUSTED_PROXIES", "MAIL_BACKEND")


@dataclass
class Server:
    url: str  # e.g. http://127.0.0.1:40123 (no trailing slash)
    host: str
    port: int
    pid: int
    instance_dir: Path
    log_path: Path


def portal_env(instance_dir: Path, *, database_url: str | None = None,
               rate_limits: str | None = None) -> dict[str, str]:
    """The environment of a throw-away portal: SQLite unless ``database_url``; rate limits
    off unless ``rate_limits`` names their storage (``redis://...``)."""
    env = {k: v for k, v in os.environ.items() if k not in _DROPPED_ENV}
    env.update(
        PORTAL_INSTANCE_DIR=str(instance_dir),
        SECRET_KEY="bench",  # noqa: S106 - throw-away instance
        RATELIMIT_ENABLED="1" if rate_limits else "0",
        FLASK_APP="portal",
        LOG_LEVEL=os.environ.get("LOG_LEVEL", "WARNING"),
    )
    if rate_limits:
        env["RATELIMIT_STORAGE_URI"] = rate_limits
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def translations_compiled() -> bool:
    return any((ROOT / "translations").glob("*/LC_MESSAGES/*.mo"))


def _status(host: str, port: int, path: str, timeout: float = 2.0) -> int:
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def _wait_live(proc: subprocess.Popen, host: str, port: int, log_path: Path, timeout: float):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"gunicorn exited with {proc.returncode} before answering:\n{tail(log_path)}"
            )
        with contextlib.suppress(OSError):
            if _status(host, port, "/livez", timeout=1.0) == 200:
                return
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not answer /livez within {timeout:.0f}s:\n{tail(log_path)}")


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def stop(proc: subprocess.Popen, timeout: float = 15.0) -> None:
    """Terminate gunicorn by its pid (SIGTERM: graceful), then kill it if it lingers."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def run_flask(args: list[str], env: dict[str, str], *, quiet: bool) -> None:
    """``flask <args>`` with check=True; when quiet, its output is shown only if it fails."""
    command = [sys.executable, "-m", "flask", *args]
    try:
        subprocess.run(command, check=True, env=env, cwd=ROOT, capture_output=quiet, text=True)
    except subprocess.CalledProcessError as error:
        if quiet:
            sys.stderr.write((error.stdout or "") + (error.stderr or ""))
        raise


@contextlib.contextmanager
def seeded_server(workers: int | None = 2, *, host: str = "127.0.0.1", quiet: bool = False,
                  start_timeout: float = 30.0, database_url: str | None = None,
                  rate_limits: str | None = None, deploy_settings: bool = False,
                  app: str = "portal:create_app()") -> Iterator[Server]:
    """Migrate and seed a temporary database, serve it with gunicorn, stop gunicorn at the end.

    ``deploy_settings`` serves with ``deploy/gunicorn.conf.py`` (its worker count unless
    ``workers`` is given, its timeouts, its access log) instead of gunicorn's defaults.
    ``app`` is gunicorn's application (a module of ``bench/`` may wrap the portal's).
    """
    with tempfile.TemporaryDirectory(prefix="portal-bench-") as tmp:
        instance_dir = Path(tmp) / "instance"
        instance_dir.mkdir()
        env = portal_env(instance_dir, database_url=database_url, rate_limits=rate_limits)
        for command in (["db", "upgrade"], ["demo", "seed"]):
            run_flask(command, env, quiet=quiet)

        env["PYTHONPATH"] = str(ROOT / "bench")  # an ``app`` may come from a bench module
        port = free_port(host)
        log_path = Path(tmp) / "gunicorn.log"
        if deploy_settings:
            env["GUNICORN_BIND"] = f"{host}:{port}"
            if workers:
                env["GUNICORN_WORKERS"] = str(workers)
            command = [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py"]
        else:
            command = [str(BIN / "gunicorn"), "-w", str(workers or 2), "-b", f"{host}:{port}"]
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(
                [*command, app],
                env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
            )
        try:
            _wait_live(proc, host, port, log_path, start_timeout)
            yield Server(f"http://{host}:{port}", host, port, proc.pid, instance_dir, log_path)
        finally:
            stop(proc)


class _HiddenInputs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name"):
            self.values.setdefault(attrs["name"], attrs.get("value") or "")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def sign_in(base_url: str, email: str = DEMO_EMAIL, password: str = DEMO_PASSWORD,
            lang: str = "en") -> str:
    """Sign in through the login form; return the ``session`` cookie value."""
    if not base_url.startswith(("http://", "https://")):
        raise ValueError(f"not an http(s) URL: {base_url}")
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
    login_url = f"{base_url}/{lang}/login"
    with opener.open(login_url, timeout=10) as response:
        parser = _HiddenInputs()
        parser.feed(response.read().decode())
    token = parser.values.get("csrf_token")
    if not token:
        raise RuntimeError(f"no csrf_token input on {login_url}")
    body = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": token})
    request = urllib.request.Request(login_url, data=body.encode(), method="POST")  # noqa: S310
    try:
        with opener.open(request, timeout=30) as response:
            raise RuntimeError(f"sign-in answered {response.status} instead of a redirect "
                               "(wrong password or CSRF failure?)")
    except urllib.error.HTTPError as redirect:
        if redirect.code not in (302, 303):
            raise RuntimeError(f"sign-in failed with HTTP {redirect.code}") from redirect
        location = redirect.headers.get("Location", "")
        if re.search(r"/login\b", location):
            raise RuntimeError(f"sign-in redirected back to the login page: {location}") from None
    cookie = next((c.value for c in jar if c.name == "session"), None)
    if not cookie:
        raise RuntimeError("sign-in set no session cookie")
    return cookie
