"""Requests per second of the main pages under gunicorn (a benchmark script, not a test).

    .venv/bin/python bench/pages.py [--duration 10] [--workers 2] [--connections 16]

Starts a seeded portal in a temporary instance directory (see server.py), signs the demo
resident in once, then loads each page with wrk (or, without wrk, a multi-process Python load
generator) and prints requests/s, the fraction of the bare ``/livez`` route and latencies.
The results are also written as JSON under bench/results/.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from server import ROOT, Server, seeded_server, sign_in, translations_compiled

RESULTS_DIR = Path(__file__).resolve().parent / "results"


@dataclass
class Page:
    path: str
    label: str
    signed_in: bool = False
    optional: bool = False  # skipped (not an error) when it does not answer 200


PAGES = [
    Page("/livez", "bare route: no database, no template"),
    Page("/en/", "home"),
    Page("/en/login", "sign-in page (GET)"),
    Page("/en/register", "registration page (GET): ~300 <option>s"),
    Page("/en/account/", "account page, signed in", signed_in=True),
    Page("/ko/", "home in Korean", optional=True),
]


@dataclass
class Result:
    path: str
    label: str
    tool: str
    requests: int = 0
    seconds: float = 0.0
    rps: float = 0.0
    fraction_of_bare: float | None = None
    p50_ms: float | None = None
    p90_ms: float | None = None
    p99_ms: float | None = None
    max_ms: float | None = None
    errors: dict[str, int] = field(default_factory=dict)
    response_bytes: int | None = None
    skipped: str | None = None


# wrk reports through this script so that exact percentiles and error counts come back as JSON.
WRK_REPORT = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, ' ..
    '"write": %d, "status": %d, "timeout": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, ' ..
    '"max_us": %d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max))
end
"""


def get(server: Server, path: str, cookie: str | None) -> tuple[int, str, int]:
    """One GET without following redirects: (status, Location header, body length)."""
    conn = http.client.HTTPConnection(server.host, server.port, timeout=30)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        body = response.read()
        return response.status, response.getheader("Location", ""), len(body)
    finally:
        conn.close()


def settled_cookie(server: Server, path: str, cookie: str) -> str:
    """The session cookie as a browser holds it after its first visit to ``path``.

    Right after sign-in the cookie has no CSRF token yet; the first page with a form adds
    one, and the first page in a language sets the language cookie. A browser keeps both,
    wrk cannot: without this, every measured request would make and sign a new token and set
    the language again, which no real visitor's browser asks for.
    """
    jar = dict(part.split("=", 1) for part in cookie.split("; "))
    conn = http.client.HTTPConnection(server.host, server.port, timeout=30)
    try:
        conn.request("GET", path, headers={"Cookie": cookie})
        response = conn.getresponse()
        response.read()
        for header in response.headers.get_all("Set-Cookie") or ():
            name, _, rest = header.partition("=")
            jar[name] = rest.split(";", 1)[0]  # the session, and the language cookie
    finally:
        conn.close()
    return "; ".join(f"{name}={value}" for name, value in jar.items())


def check_page(server: Server, page: Page, cookie: str | None) -> tuple[int, str, int]:
    status, location, size = get(server, page.path, cookie if page.signed_in else None)
    if page.signed_in and status in (301, 302, 303) and "/login" in location:
        raise SystemExit(f"error: {page.path} redirected to {location}: the session cookie failed")
    return status, location, size


def run_wrk(server: Server, page: Page, cookie: str | None, args, script: Path) -> Result:
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s",
               "--timeout", "10s", "-s", str(script)]
    if page.signed_in:
        command += ["-H", f"Cookie: {cookie}"]
    command.append(server.url + page.path)
    if args.warmup > 0:
        warm = [*command[:3], f"-d{args.warmup}s", *command[4:]]
        subprocess.run(warm, check=True, capture_output=True, text=True)
    completed = subprocess.run(command, check=True, capture_output=True, text=True)
    match = re.search(r"^WRK_JSON (.*)$", completed.stdout, re.MULTILINE)
    if not match:
        raise RuntimeError(f"unexpected wrk output:\n{completed.stdout}\n{completed.stderr}")
    data = json.loads(match.group(1))
    seconds = data["duration_us"] / 1e6
    errors = {k: data[k] for k in ("connect", "read", "write", "status", "timeout") if data[k]}
    return Result(
        path=page.path, label=page.label, tool="wrk", requests=data["requests"],
        seconds=round(seconds, 3), rps=data["requests"] / seconds,
        p50_ms=data["p50_us"] / 1000, p90_ms=data["p90_us"] / 1000,
        p99_ms=data["p99_us"] / 1000, max_ms=data["max_us"] / 1000, errors=errors,
    )


def _python_worker(host: str, port: int, path: str, headers: dict, start: float, stop: float,
                   queue) -> None:
    """One client process: requests on a keep-alive connection (reopened when the server closes
    it, as gunicorn's sync workers do) until ``stop``; latencies of those started after
    ``start``."""
    latencies, statuses, errors = [], {}, 0
    conn = http.client.HTTPConnection(host, port, timeout=10)
    while (now := time.monotonic()) < stop:
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=10)
            errors += 1
            continue
        end = time.monotonic()
        if now >= start and end <= stop:
            latencies.append(end - now)
            statuses[response.status] = statuses.get(response.status, 0) + 1
    conn.close()
    queue.put((latencies, statuses, errors))


def run_python(server: Server, page: Page, cookie: str | None, args) -> Result:
    headers = {"Cookie": cookie} if page.signed_in else {}
    ctx = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    queue = ctx.Queue()
    start = time.monotonic() + 0.5 + args.warmup
    stop = start + args.duration
    procs = [
        ctx.Process(target=_python_worker,
                    args=(server.host, server.port, page.path, headers, start, stop, queue))
        for _ in range(args.connections)
    ]
    for proc in procs:
        proc.start()
    latencies, statuses, errors = [], {}, 0
    for _ in procs:
        part, part_statuses, part_errors = queue.get()
        latencies += part
        errors += part_errors
        for status, count in part_statuses.items():
            statuses[status] = statuses.get(status, 0) + count
    for proc in procs:
        proc.join()
    latencies.sort()
    bad = sum(count for status, count in statuses.items() if status != 200)
    quantiles = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return Result(
        path=page.path, label=page.label, tool=f"python ({args.connections} processes)",
        requests=len(latencies), seconds=args.duration, rps=len(latencies) / args.duration,
        p50_ms=statistics.median(latencies) * 1000 if latencies else None,
        p90_ms=quantiles[89] * 1000, p99_ms=quantiles[98] * 1000,
        max_ms=latencies[-1] * 1000 if latencies else None,
        errors={k: v for k, v in {"status": bad, "socket": errors}.items() if v},
    )


def fmt(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def print_table(results: list[Result]) -> None:
    head = f"{'path':<14} {'req/s':>8} {'x bare':>7} {'p50 ms':>7} {'p99 ms':>7} {'KiB':>5}  notes"
    print(head)
    print("-" * len(head))
    for r in results:
        if r.skipped:
            dashes = " ".join(f"{'-':>{w}}" for w in (8, 7, 7, 7, 5))
            print(f"{r.path:<14} {dashes}  skipped: {r.skipped}")
            continue
        notes = r.label + (f"; errors {r.errors}" if r.errors else "")
        size = "-" if r.response_bytes is None else f"{r.response_bytes / 1024:.1f}"
        print(f"{r.path:<14} {r.rps:>8.0f} {fmt(r.fraction_of_bare, 2):>7} {fmt(r.p50_ms):>7} "
              f"{fmt(r.p99_ms):>7} {size:>5}  {notes}")


def cpu_idle(seconds: float = 2.0) -> float | None:
    """Fraction of CPU time left idle over ``seconds`` (Linux /proc/stat), None elsewhere."""

    def sample():
        with open("/proc/stat") as f:
            values = [int(v) for v in f.readline().split()[1:]]
        return sum(values[:8]), values[3] + values[4]  # total; idle + iowait

    try:
        total0, idle0 = sample()
        time.sleep(seconds)
        total1, idle1 = sample()
    except (OSError, ValueError):
        return None
    return round((idle1 - idle0) / max(total1 - total0, 1), 2)


def git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, check=True,
                             capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=ROOT, capture_output=True, text=True).stdout.strip()
        return out + ("+dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return None


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per page (10)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--connections", type=int, default=16,
                        help="concurrent connections (16)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--warmup", type=int, default=2,
                        help="seconds of unmeasured load before each page (2)")
    parser.add_argument("--python", action="store_true",
                        help="use the Python load generator even when wrk is installed")
    parser.add_argument("--output", type=Path, help="JSON file (default: bench/results/...)")
    args = parser.parse_args(argv)
    if min(args.duration, args.workers, args.connections, args.threads) < 1 or args.warmup < 0:
        parser.error("--duration, --workers, --connections and --threads must be positive")
    args.threads = min(args.threads, args.connections)
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    use_wrk = bool(shutil.which("wrk")) and not args.python
    if not use_wrk and not args.python:
        print("wrk is not installed (apt-get install wrk); using the Python load generator",
              file=sys.stderr)
    if not translations_compiled():
        print("note: no compiled catalogs (.mo); pages render untranslated "
              "(`make install` compiles them)", file=sys.stderr)

    started = datetime.now().astimezone()
    idle_before = cpu_idle()
    if idle_before is not None and idle_before < 0.9:
        print(f"note: the CPUs were only {idle_before:.0%} idle before the run: other processes "
              "share them, the figures will be lower and noisier", file=sys.stderr)
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="portal-bench-wrk-") as tmp, \
            seeded_server(args.workers, quiet=True) as server:
        script = Path(tmp) / "report.lua"
        script.write_text(WRK_REPORT)
        # Signed in again right before each signed-in page: the session cookie changes once a
        # minute (the idle clock), and wrk cannot take a new cookie mid-run.
        cookie = f"session={sign_in(server.url)}"
        print(f"gunicorn pid {server.pid} on {server.url}, {args.workers} workers; "
              f"{'wrk' if use_wrk else 'python'} -c{args.connections}, {args.duration}s a page",
              file=sys.stderr)
        for page in PAGES:
            status, location, size = check_page(server, page, cookie)
            if status != 200:
                message = f"{page.path} answered {status}" + (f" -> {location}" if location else "")
                if page.optional:
                    results.append(Result(page.path, page.label, "-", skipped=message))
                    continue
                raise SystemExit(f"error: {message}")
            print(f"  {page.path} ...", file=sys.stderr, flush=True)
            if page.signed_in:
                cookie = settled_cookie(server, page.path, f"session={sign_in(server.url)}")
            if use_wrk:
                result = run_wrk(server, page, cookie, args, script)
            else:
                result = run_python(server, page, cookie, args)
            result.response_bytes = size
            if check_page(server, page, cookie)[0] != 200:
                raise SystemExit(f"error: {page.path} stopped answering 200 during the run")
            if result.errors.get("status"):
                raise SystemExit(f"error: {page.path}: {result.errors['status']} responses "
                                 "were not 200")
            results.append(result)

    bare = next((r.rps for r in results if r.path == "/livez" and not r.skipped), None)
    for r in results:
        if bare and not r.skipped:
            r.fraction_of_bare = round(r.rps / bare, 3)
            r.rps = round(r.rps, 1)
    print_table(results)

    report = {
        "date": started.isoformat(timespec="seconds"),
        "git": git_commit(),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                    "python": platform.python_version(),
                    "cpu_idle_before": idle_before},
        "settings": {"tool": "wrk" if use_wrk else "python", "workers": args.workers,
                     "connections": args.connections, "threads": args.threads,
                     "duration_s": args.duration, "warmup_s": args.warmup,
                     "database": "sqlite (embedded default)",
                     "translations_compiled": translations_compiled()},
        "results": [asdict(r) for r in results],
    }
    output = args.output or RESULTS_DIR / f"pages-{started:%Y%m%d-%H%M%S}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"\nwritten {output.relative_to(ROOT) if output.is_relative_to(ROOT) else output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
