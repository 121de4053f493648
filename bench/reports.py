"""The staff's report pages on 100,000 reports, on SQLite and PostgreSQL (a benchmark script).

    .venv/bin/python bench/reports.py [--backends sqlite,postgresql] [--duration 10]
        [--workers 2] [--connections 16] [--sqlite-file PATH] [--postgresql-url URL]
        [--profile] [--in-process RUNS]

For each database it loads the benchmark data (reports_data.py: 100,000 reports, 30,000
contacts, 20,000 residents), serves it with gunicorn (server.py), signs the demo staff member
in, and loads each page below with wrk (or pages.py's Python load generator), giving
requests/s as a fraction of the bare route; then it times 20 submissions of a report with two
~2 MB phone photos (12 megapixels, EXIF) by the demo resident, one after another.

A new SQLite file or PostgreSQL database (created on the server of ``DATABASE_URL_TEST``, by
default the local test server) is made for each run and removed at its end; give
``--sqlite-file`` or ``--postgresql-url`` to keep one and load it only once.
``--profile`` also runs one request of each page in-process under cProfile and prints the
slowest functions, the slowest SQL statements and their plans (EXPLAIN QUERY PLAN on SQLite,
EXPLAIN ANALYZE on PostgreSQL). ``--in-process`` also times each page in this process
(Flask's test client, no HTTP server), median of RUNS requests after warm-up: steadier than the
requests/s when other work shares the CPUs. Results are written as JSON under bench/results/.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import http.client
import io
import json
import os
import platform
import pstats
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from pages import (
    RESULTS_DIR,
    WRK_REPORT,
    Page,
    Result,
    check_page,
    cpu_idle,
    fmt,
    git_commit,
    run_python,
    run_wrk,
    settled_cookie,
)
from reports_data import load
from server import DEMO_EMAIL, DEMO_PASSWORD, ROOT, Server, seeded_server, sign_in

STAFF_EMAIL = "staff@seoul.example"  # portal.accounts.demo.STAFF_EMAIL
PG_SERVER = os.environ.get("DATABASE_URL_TEST", "postgresql://postgres@127.0.0.1:5432/test")

PAGES = [
    Page("/livez", "bare route: no database, no template"),
    Page("/en/staff/reports?team=", "triage queue, first page (all teams)", signed_in=True),
    Page("/en/staff/reports?team=&tier=global_elite&area=mapo&q=" + quote("월세"),
         "queue filtered: tier, district, search 월세", signed_in=True),
    Page("/en/staff/reports?team=&q=" + quote("房租"), "queue, search only: 房租",
         signed_in=True),
    Page("/en/staff/", "staff dashboard (reports panel)", signed_in=True),
]
# Fractions of the bare route's requests/s that the pages should reach, and the submission's
# median in milliseconds.
AIMS = {PAGES[1].path: 0.3, PAGES[2].path: 0.3, PAGES[4].path: 0.2}
SUBMIT_AIM_MS = 300
SUBMISSIONS = 20


# -- Databases ---------------------------------------------------------------------------------


@contextlib.contextmanager
def sqlite_database(path: str | None) -> Iterator[str]:
    if path:
        yield f"sqlite:///{Path(path).resolve()}"
        return
    with tempfile.TemporaryDirectory(prefix="portal-bench-reports-") as tmp:
        yield f"sqlite:///{Path(tmp) / 'reports.sqlite3'}"


@contextlib.contextmanager
def postgresql_database(url: str | None) -> Iterator[str]:
    if url:
        yield url
        return
    import sqlalchemy as sa

    from config import database_url

    name = f"portal_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(database_url(PG_SERVER), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield sa.engine.make_url(database_url(PG_SERVER)).set(database=name).render_as_string(
            hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


# -- Submitting a report -----------------------------------------------------------------------


def phone_photo(seed: int, *, portrait: bool) -> bytes:
    """A 12-megapixel JPEG of about 2 MB, with the EXIF a phone writes (place included)."""
    from PIL import Image

    width, height = 4032, 3024
    rng = random.Random(seed)
    gradient = Image.linear_gradient("L").resize((width, height))
    noise = Image.effect_noise((width, height), 22 + rng.random())
    channels = (gradient, gradient.transpose(Image.Transpose.ROTATE_90).resize((width, height)),
                gradient.transpose(Image.Transpose.FLIP_TOP_BOTTOM))
    image = Image.merge("RGB", [Image.blend(c, noise, 0.2 + 0.3 * (i == 2))
                                for i, c in enumerate(channels)])
    exif = image.getexif()
    exif[0x010F], exif[0x0110] = "Phone maker", "Phone 15"  # Make, Model
    exif[0x0112] = 6 if portrait else 1  # Orientation: portrait photos are stored turned
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (37.0, 33.0, 21.6), 3: "E", 4: (126.0, 55.0, 3.2)})
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85, exif=exif)
    return buffer.getvalue()


def multipart(fields: list[tuple[str, str]], files: list[tuple[str, str, bytes]]
              ) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                     f"{value}\r\n".encode())
    for name, filename, data in files:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                     f'filename="{filename}"\r\nContent-Type: image/jpeg\r\n\r\n'.encode()
                     + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def request(server: Server, method: str, path: str, cookie: str, body: bytes | None = None,
            content_type: str | None = None) -> tuple[int, str, str, str]:
    """(status, Location, body, cookie updated with the response's session cookie)."""
    headers = {"Cookie": cookie}
    if content_type:
        headers["Content-Type"] = content_type
    conn = http.client.HTTPConnection(server.host, server.port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode(errors="replace")
        for header in response.headers.get_all("Set-Cookie") or ():
            name, _, rest = header.partition("=")
            if name == "session":
                cookie = re.sub(r"session=[^;]*", f"session={rest.split(';', 1)[0]}", cookie)
        return response.status, response.getheader("Location", ""), text, cookie
    finally:
        conn.close()


def time_submissions(server: Server, count: int) -> list[float]:
    """Milliseconds of each POST /en/reports/new with two photos, one after another."""
    photos = [phone_photo(1, portrait=False), phone_photo(2, portrait=True)]
    cookie = f"session={sign_in(server.url, DEMO_EMAIL, DEMO_PASSWORD)}"
    status, _, page, cookie = request(server, "GET", "/en/reports/new", cookie)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or \
        re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    category = re.search(r'<select[^>]*name="category"[^>]*>.*?<option[^>]*value="(\d+)"',
                         page, re.S)
    if status != 200 or not token or not category:
        raise SystemExit(f"error: /en/reports/new answered {status} without its form")
    timings = []
    for n in range(count):
        body, content_type = multipart(
            [("csrf_token", token.group(1)), ("category", category.group(1)), ("area", "mapo"),
             ("place", "Hapjeong station, exit 2"), ("title", f"Broken pavement {n}"),
             ("description", "The pavement in front of the exit is broken; people trip on it "
                             "at night."), ("public_stats", "y"), ("kept_photos", "")],
            [("photos", "IMG_0001.jpg", photos[0]), ("photos", "IMG_0002.jpg", photos[1])],
        )
        started = time.perf_counter()
        status, location, text, cookie = request(server, "POST", "/en/reports/new", cookie,
                                                  body, content_type)
        timings.append((time.perf_counter() - started) * 1000)
        if status != 302 or "/reports/" not in location:
            raise SystemExit(f"error: submitting answered {status} {location}\n{text[:2000]}")
    return timings


# -- Profiling one request in-process ----------------------------------------------------------


def signed_in_client(url: str):
    """The portal in this process on the database at ``url``, and a client signed in as staff."""
    from config import database_url
    from portal import create_app

    app = create_app(SQLALCHEMY_DATABASE_URI=database_url(url), SECRET_KEY="bench")  # noqa: S106
    client = app.test_client()
    login = client.get("/en/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login).group(1)
    response = client.post("/en/login", data={"email": STAFF_EMAIL, "password": DEMO_PASSWORD,
                                              "csrf_token": token})
    if response.status_code != 302:
        raise SystemExit("error: the in-process sign-in failed")
    return app, client


def time_in_process(url: str, pages: list[Page], runs: int) -> dict[str, dict[str, float]]:
    """Each page's median milliseconds over ``runs`` requests in this process, after warm-up.

    Both the clock's and this thread's CPU time: other processes on the machine disturb the
    CPU time less, but it leaves out the time PostgreSQL's own process takes.
    """
    from portal.extensions import db

    app, client = signed_in_client(url)
    timings = {}
    for page in pages:
        for _ in range(3):  # warm: templates compiled, caches filled as in a running worker
            if client.get(page.path).status_code != 200:
                raise SystemExit(f"error: {page.path} did not answer 200 in process")
        wall, cpu = [], []
        for _ in range(runs):
            started, started_cpu = time.perf_counter(), time.thread_time()
            client.get(page.path)
            cpu.append((time.thread_time() - started_cpu) * 1000)
            wall.append((time.perf_counter() - started) * 1000)
        timings[page.path] = {"wall_ms": round(statistics.median(wall), 2),
                              "cpu_ms": round(statistics.median(cpu), 2)}
    with app.app_context():
        db.engine.dispose()
    return timings


def profile_pages(url: str, pages: list[Page]) -> None:
    """Profile one request of each page in-process; show the slowest statements' plans."""
    import sqlalchemy as sa

    from portal.extensions import db

    app, client = signed_in_client(url)
    with app.app_context():
        engine = db.engine
    for page in pages[1:]:
        client.get(page.path)  # warm: templates compiled, caches filled as in a running worker
        statements: list[tuple[float, str, object]] = []

        def before(conn, cursor, statement, parameters, context, executemany):
            conn.info["started"] = time.perf_counter()

        def after(conn, cursor, statement, parameters, context, executemany,
                  statements=statements):
            statements.append(((time.perf_counter() - conn.info["started"]) * 1000,
                               statement, parameters))

        sa.event.listen(engine, "before_cursor_execute", before)
        sa.event.listen(engine, "after_cursor_execute", after)
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        status = client.get(page.path).status_code
        profiler.disable()
        elapsed = (time.perf_counter() - started) * 1000
        sa.event.remove(engine, "before_cursor_execute", before)
        sa.event.remove(engine, "after_cursor_execute", after)
        print(f"\n=== {page.path}: {status} in {elapsed:.1f} ms, {len(statements)} statements, "
              f"{sum(s[0] for s in statements):.1f} ms in the database")
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(r"portal/|templates/", 20)
        stats.sort_stats("tottime").print_stats(15)
        print("\n".join(line for line in out.getvalue().splitlines()
                        if line.strip() and not line.lstrip().startswith(("Ordered", "List"))))
        for ms, statement, parameters in sorted(statements, key=lambda s: s[0])[-3:][::-1]:
            print(f"\n--- {ms:.1f} ms: {' '.join(statement.split())[:600]}")
            explain = ("EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite"
                       else "EXPLAIN (ANALYZE, BUFFERS) ")
            with engine.connect() as connection:
                for row in connection.exec_driver_sql(explain + statement, parameters):
                    print("   ", row[-1])
    engine.dispose()


# -- Running -----------------------------------------------------------------------------------


def measure(backend: str, url: str, args, script: Path, use_wrk: bool) -> dict:
    print(f"[{backend}] loading ...", file=sys.stderr, flush=True)
    print(f"[{backend}] {load(url, quiet=True)}", file=sys.stderr, flush=True)
    if args.profile:
        profile_pages(url, PAGES)
    in_process = time_in_process(url, PAGES, args.in_process) if args.in_process else {}
    results: list[Result] = []
    with seeded_server(args.workers, quiet=True, database_url=url) as server:
        print(f"[{backend}] gunicorn pid {server.pid} on {server.url}, {args.workers} workers",
              file=sys.stderr, flush=True)
        for page in PAGES:
            cookie = None
            if page.signed_in:
                session = sign_in(server.url, STAFF_EMAIL, DEMO_PASSWORD)
                cookie = settled_cookie(server, page.path, f"session={session}")
            status, location, size = check_page(server, page, cookie)
            if status != 200:
                raise SystemExit(f"error: {page.path} answered {status} {location}")
            print(f"[{backend}]   {page.path} ...", file=sys.stderr, flush=True)
            result = (run_wrk(server, page, cookie, args, script) if use_wrk
                      else run_python(server, page, cookie, args))
            result.response_bytes = size
            if result.errors.get("status"):
                raise SystemExit(f"error: {page.path}: {result.errors['status']} responses "
                                 "were not 200")
            results.append(result)
        print(f"[{backend}]   {SUBMISSIONS} submissions ...", file=sys.stderr, flush=True)
        submissions = time_submissions(server, SUBMISSIONS)
    bare = results[0].rps
    for r in results:
        r.fraction_of_bare = round(r.rps / bare, 3)
        r.rps = round(r.rps, 1)
    return {"backend": backend, "results": [asdict(r) for r in results],
            "in_process": in_process,
            "submit_ms": [round(t, 1) for t in submissions],
            "submit_median_ms": round(statistics.median(submissions), 1)}


def print_table(runs: list[dict]) -> None:
    in_process = any(run.get("in_process") for run in runs)
    head = (f"{'database':<10} {'page':<44} {'req/s':>7} {'x bare':>7} {'aim':>5} "
            f"{'p50 ms':>7} {'p99 ms':>7} {'KiB':>5}"
            + (f" {'in process ms (CPU)':>19}" if in_process else ""))
    print(head)
    print("-" * len(head))
    for run in runs:
        for r in run["results"]:
            aim = AIMS.get(r["path"])
            mark = "" if aim is None else (" ok" if r["fraction_of_bare"] >= aim else " MISS")
            timed = run.get("in_process", {}).get(r["path"])
            alone = f" {timed['wall_ms']:>11.2f} ({timed['cpu_ms']:.2f})" if timed else ""
            print(f"{run['backend']:<10} {r['label'][:44]:<44} {r['rps']:>7.0f} "
                  f"{fmt(r['fraction_of_bare'], 2):>7} {fmt(aim, 1) if aim else '':>5} "
                  f"{fmt(r['p50_ms']):>7} {fmt(r['p99_ms']):>7} "
                  f"{r['response_bytes'] / 1024:>5.1f}{alone}{mark}")
        median = run["submit_median_ms"]
        spread = f"{min(run['submit_ms']):.0f}-{max(run['submit_ms']):.0f}"
        print(f"{run['backend']:<10} {'submit, 2 photos: median of ' + str(SUBMISSIONS):<44} "
              f"{median:>7.0f} ms (range {spread} ms; aim < {SUBMIT_AIM_MS} ms)"
              f"{' ok' if median < SUBMIT_AIM_MS else ' MISS'}")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", default="sqlite,postgresql",
                        help="comma-separated: sqlite, postgresql (both)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per page (10)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--warmup", type=int, default=2, help="unmeasured seconds per page")
    parser.add_argument("--python", action="store_true", help="use the Python load generator")
    parser.add_argument("--sqlite-file", help="keep (and reuse) this SQLite database file")
    parser.add_argument("--postgresql-url", help="use (and keep) this PostgreSQL database")
    parser.add_argument("--profile", action="store_true",
                        help="profile one request of each page in-process first")
    parser.add_argument("--in-process", type=int, default=0, metavar="RUNS",
                        help="also time each page in process: median of RUNS requests")
    parser.add_argument("--output", type=Path, help="JSON file (default: bench/results/...)")
    args = parser.parse_args(argv)
    args.backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    if not set(args.backends) <= {"sqlite", "postgresql"}:
        parser.error("--backends takes sqlite and/or postgresql")
    args.threads = min(args.threads, args.connections)
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    use_wrk = bool(shutil.which("wrk")) and not args.python
    if not use_wrk and not args.python:
        print("wrk is not installed (apt-get install wrk); using the Python load generator",
              file=sys.stderr)
    started = datetime.now().astimezone()
    idle_before = cpu_idle()
    if idle_before is not None and idle_before < 0.9:
        print(f"note: the CPUs were only {idle_before:.0%} idle before the run",
              file=sys.stderr)
    runs = []
    with tempfile.TemporaryDirectory(prefix="portal-bench-wrk-") as tmp:
        script = Path(tmp) / "report.lua"
        script.write_text(WRK_REPORT)
        for backend in args.backends:
            database = (sqlite_database(args.sqlite_file) if backend == "sqlite"
                        else postgresql_database(args.postgresql_url))
            with database as url:
                runs.append(measure(backend, url, args, script, use_wrk))
    print()
    print_table(runs)
    report = {
        "date": started.isoformat(timespec="seconds"), "git": git_commit(),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                    "python": platform.python_version(), "cpu_idle_before": idle_before},
        "settings": {"tool": "wrk" if use_wrk else "python", "workers": args.workers,
                     "connections": args.connections, "threads": args.threads,
                     "duration_s": args.duration, "warmup_s": args.warmup},
        "runs": runs,
    }
    output = args.output or RESULTS_DIR / f"reports-{started:%Y%m%d-%H%M%S}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"\nwritten {output.relative_to(ROOT) if output.is_relative_to(ROOT) else output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
