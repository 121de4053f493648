"""The floor of a signed-in page: what a page costs before it says anything (a benchmark script).

    .venv/bin/python bench/floor.py [--duration 8] [--rounds 2] [--workers 2] [--postgresql]

Serves the seeded portal (server.py) with two routes that exist only here, both signed in:

- ``/floor/person``: Flask, the session cookie, the database session and the signed-in person
  (Flask-Login's loader, the idle clock), then a few bytes: no template at all;
- ``/<lang>/floor/layout``: the same, then the site's layout (``base.html``: header, menus,
  unread count, sign-out form, footer) around an empty page;

and loads them with wrk next to the bare ``/livez`` route and two real pages, the demo
resident's account page and the demo staff member's dashboard, in rounds (each round measures
every page once, so a change of the machine's speed shows as a difference between rounds).
Each figure is requests/s and its fraction of the same round's bare route; the last column is
the time per request a page may still take, above loading the person, for the page to reach a
third of the bare route (2 workers: ``workers / req/s`` is a request's share of the CPUs).
SQLite in the temporary instance directory, or with ``--postgresql`` a throw-away database on
the server of ``DATABASE_URL_TEST`` (default: the test server's), dropped at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import re
import shutil
import sys
import tempfile
from pathlib import Path

from pages import WRK_REPORT, Page, check_page, run_wrk, settled_cookie
from server import DEMO_EMAIL, seeded_server, sign_in

STAFF_EMAIL = "staff@seoul.example"  # portal.accounts.demo.STAFF_EMAIL
EMPTY_PAGE = '{% extends "base.html" %}{% block content %}<p>.</p>{% endblock %}'


def make_app():
    """The portal with the two floor routes (gunicorn: ``floor:make_app()``)."""
    from flask import Blueprint, render_template
    from flask_login import current_user, login_required
    from jinja2 import ChoiceLoader, DictLoader

    from portal import create_app

    app = create_app()
    app.jinja_env.loader = ChoiceLoader([DictLoader({"bench_floor.html": EMPTY_PAGE}),
                                         app.jinja_env.loader])
    bp = Blueprint("bench_floor", __name__)

    @bp.get("/floor/person")
    @login_required
    def person():
        return f"<p>{current_user.id}</p>"

    @bp.get("/<lang:lang>/floor/layout")
    @login_required
    def layout():
        return render_template("bench_floor.html")

    app.register_blueprint(bp)
    return app


def sign_out(server, cookie: str) -> None:
    """Sign the session out through the header's form, so that sessions do not pile up in
    the account page's device list from one round to the next."""
    cookie = settled_cookie(server, "/en/floor/layout", cookie)  # one holding a CSRF token
    conn = http.client.HTTPConnection(server.host, server.port, timeout=30)
    try:
        conn.request("GET", "/en/floor/layout", headers={"Cookie": cookie})
        html = conn.getresponse().read().decode()
        form = re.search(r'<form method="post" action="([^"]*/logout)"[^>]*>\s*'
                         r'<input type="hidden" name="csrf_token" value="([^"]+)"', html)
        if not form:
            raise SystemExit("error: no sign-out form in the layout")
        conn.request("POST", form.group(1), body=f"csrf_token={form.group(2)}",
                     headers={"Cookie": cookie,
                              "Content-Type": "application/x-www-form-urlencoded"})
        response = conn.getresponse()
        response.read()
        if response.status not in (302, 303):
            raise SystemExit(f"error: signing out answered {response.status}")
    finally:
        conn.close()


# (path, who is signed in, what it is)
PAGES = [
    ("/livez", None, "bare route"),
    ("/floor/person", "resident", "signed-in person, no template"),
    ("/en/floor/layout", "resident", "layout around an empty page (resident)"),
    ("/en/account/", "resident", "account page"),
    ("/en/floor/layout", "staff", "layout around an empty page (staff)"),
    ("/en/staff/", "staff", "staff dashboard"),
]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=8, help="seconds per page (8)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds over every page (2)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--connections", type=int, default=16, help="connections (16)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--warmup", type=int, default=2, help="unmeasured seconds first (2)")
    parser.add_argument("--postgresql", action="store_true",
                        help="a throw-away PostgreSQL database instead of SQLite")
    args = parser.parse_args(argv)
    if min(args.duration, args.rounds, args.workers, args.connections, args.threads) < 1:
        parser.error("--duration, --rounds, --workers, --connections, --threads: at least 1")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    if not shutil.which("wrk"):
        raise SystemExit("error: wrk is not installed (apt-get install wrk)")
    if args.postgresql:
        from reports import postgresql_database
        database = postgresql_database(None)
    else:
        database = contextlib.nullcontext(None)
    with tempfile.TemporaryDirectory(prefix="portal-bench-floor-") as tmp, \
            database as database_url, \
            seeded_server(args.workers, quiet=True, app="floor:make_app()",
                          database_url=database_url) as server:
        script = Path(tmp) / "report.lua"
        script.write_text(WRK_REPORT)
        emails = {"resident": DEMO_EMAIL, "staff": STAFF_EMAIL}
        print(f"{'round':>5} {'path':<18} {'signed in':<9} {'req/s':>7} {'x bare':>6} "
              f"{'ms left for a third':>19}  what")
        for round_ in range(1, args.rounds + 1):
            bare = person = None
            for path, who, label in PAGES:
                cookie = None
                if who:
                    # A fresh sign-in per page: the cookie changes with the idle clock.
                    signed = sign_in(server.url, emails[who])
                    cookie = settled_cookie(server, path, f"session={signed}")
                page = Page(path, label, signed_in=bool(who))
                status, location, _size = check_page(server, page, cookie)
                if status != 200:
                    raise SystemExit(f"error: {path} answered {status} {location}")
                result = run_wrk(server, page, cookie, args, script)
                if cookie:
                    sign_out(server, cookie)
                if result.errors:
                    raise SystemExit(f"error: {path}: {result.errors}")
                bare = bare or result.rps
                if path == "/floor/person":
                    person = result.rps
                left = ""
                if person and path == "/floor/person":
                    # At a third of the bare route a request may take 3 * workers / bare.
                    left = f"{(3 / bare - 1 / person) * args.workers * 1000:.2f}"
                print(f"{round_:>5} {path:<18} {who or '-':<9} {result.rps:>7.0f} "
                      f"{result.rps / bare:>6.2f} {left:>19}  {label}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
