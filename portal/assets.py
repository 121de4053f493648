"""Static files that browsers keep: each link names the file's content, which may be cached.

A page links its stylesheet and images as ``/static/portal.css?v=<digest of the file>``. A
request whose ``v`` is the digest of the file as it is now is answered with a year's
``immutable`` caching, so a phone loads the stylesheet once instead of asking again on every
page; any other request (no ``v``, or the digest of an older file) keeps Flask's default,
revalidated with the ETag. A new release changes the digest, and so the link.
"""

import hashlib
import os
from pathlib import Path

from flask import Flask, current_app, request

ONE_YEAR = 365 * 24 * 3600
DIGEST_LENGTH = 12

# (path, size, modification time) -> digest: a file is read again only when it changed.
_digests: dict[tuple[str, int, int], str] = {}


def digest(filename: str) -> str | None:
    """The digest of ``filename`` under the static folder as it is now; None if no such file."""
    folder = current_app.static_folder
    if folder is None:
        return None
    path = Path(folder, filename).resolve()
    if not path.is_relative_to(Path(folder).resolve()):
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return None
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    value = _digests.get(key)
    if value is None:
        value = hashlib.sha256(path.read_bytes()).hexdigest()[:DIGEST_LENGTH]
        _digests[key] = value
    return value


def add_digest(endpoint: str | None, values: dict) -> None:
    """url_for's default for a static file: its digest as ``v`` (depends on the filename only,
    so the templates' link cache, keyed by filename, stays right)."""
    if endpoint == "static" and "filename" in values and "v" not in values:
        value = digest(values["filename"])
        if value is not None:
            values["v"] = value


def cache_named_files(response):
    """A year's caching for a static file asked for by its current digest."""
    if (request.endpoint == "static" and response.status_code == 200
            and request.args.get("v")
            and request.args["v"] == digest((request.view_args or {}).get("filename", ""))):
        response.cache_control.no_cache = None
        response.cache_control.public = True
        response.cache_control.max_age = ONE_YEAR
        response.cache_control.immutable = True
    return response


def init_app(app: Flask) -> None:
    app.url_defaults(add_digest)
    app.after_request(cache_named_files)
