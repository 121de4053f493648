"""Overload the main pages on PostgreSQL with the deployment's settings (a benchmark script).

    .venv/bin/python bench/overload.py [--connections 64] [--duration 30]

Creates a throw-away PostgreSQL database (BENCH_DATABASE_URL, default the test server's),
migrates and seeds it, serves it with ``deploy/gunicorn.conf.py`` (2 x CPUs + 1 sync workers)
and shared rate limits in Redis (BENCH_REDIS_URL), then holds 64 connections open against the
home, sign-in and account pages for 30 s each with wrk. It prints requests/s, p50/p99/max
latency and every error (socket errors, timeouts, non-2xx/3xx answers), and exits 1 if any.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import uuid
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from pages import RESULTS_DIR, WRK_REPORT, Page, check_page, run_wrk, settled_cookie
from server import seeded_server, sign_in

PAGES = [
    Page("/en/", "home"),
    Page("/en/login", "sign-in page (GET)"),
    Page("/en/account/", "account page, signed in", signed_in=True),
]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--duration", type=int, default=30, help="seconds per page (30)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--workers", type=int, default=None,
                        help="gunicorn workers (default: deploy/gunicorn.conf.py's)")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    base = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
    name = f"portal_overload_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(base.replace("postgresql://", "postgresql+psycopg://", 1),
                             isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(base).set(database=name).render_as_string(hide_password=False)
    results = []
    try:
        with tempfile.TemporaryDirectory(prefix="portal-overload-") as tmp, seeded_server(
            args.workers, quiet=True, database_url=url, rate_limits=redis_url,
            deploy_settings=True, start_timeout=60,
        ) as server:
            script = Path(tmp) / "report.lua"
            script.write_text(WRK_REPORT)
            print(f"gunicorn (deploy/gunicorn.conf.py) pid {server.pid} on {server.url}, "
                  f"PostgreSQL {name}; wrk -c{args.connections} -d{args.duration}s",
                  file=sys.stderr)
            for page in PAGES:
                cookie = None
                if page.signed_in:
                    cookie = settled_cookie(server, page.path, f"session={sign_in(server.url)}")
                status, location, _ = check_page(server, page, cookie)
                if status != 200:
                    raise SystemExit(f"error: {page.path} answered {status} {location}")
                print(f"  {page.path} ...", file=sys.stderr, flush=True)
                results.append(run_wrk(server, page, cookie, args, script))
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    print(f"{'path':<14} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7}  errors")
    for r in results:
        print(f"{r.path:<14} {r.rps:>7.0f} {r.p50_ms:>7.1f} {r.p99_ms:>7.1f} {r.max_ms:>7.1f}  "
              f"{r.errors or 'none'}")
    RESULTS_DIR.mkdir(exist_ok=True)
    out = RESULTS_DIR / f"overload-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps([asdict(r) for r in results], indent=2))
    print(f"written {out}", file=sys.stderr)
    return 1 if any(r.errors for r in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
