"""Drive forms over HTTP the way a browser does: fetch the page for its CSRF token, then POST."""

import re

CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
# The sign-out form in the header carries the token too, written out by hand.
HIDDEN_CSRF_RE = re.compile(r'<input type="hidden" name="csrf_token" value="([^"]+)"')
PASSWORD = "river-lantern-47"  # noqa: S105 - test data


def csrf_token(client, url: str) -> str:
    """The CSRF token of the form on ``url``."""
    response = client.get(url)
    html = response.get_data(as_text=True)
    match = CSRF_RE.search(html) or HIDDEN_CSRF_RE.search(html)
    assert match, f"no CSRF token on {url} ({response.status_code})"
    return match.group(1)


def submit(client, url: str, data: dict | None = None, *, page: str | None = None, **kwargs):
    """Open ``page`` (default ``url``) for its CSRF token, then POST ``data`` to ``url``."""
    token = csrf_token(client, page or url)
    return client.post(url, data={"csrf_token": token, **(data or {})}, **kwargs)


def sign_in(client, email: str, password: str = PASSWORD, *, lang: str = "en", **extra):
    """Post the sign-in form."""
    return submit(client, f"/{lang}/login", {"email": email, "password": password, **extra})
