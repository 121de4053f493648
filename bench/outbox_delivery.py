"""Deliver 30,000 invitation mails from the outbox to a local SMTP server (a benchmark script).

    .venv/bin/python bench/outbox_delivery.py [--messages 30000] [--deferred] [--batch N]
        [--workers 1,4] [--no-kill] [--profile]

It makes a new PostgreSQL database (on the server of ``BENCH_DATABASE_URL``, by default the
local one; its ``postgres`` database is used only to create and drop the new one) and
migrates it. Then, for each worker count (1 and 4), it starts an SMTP server
(``smtp_sink.py``: aiosmtpd in a process of its own, noting the Message-ID of every message it
accepts), fills the outbox with ``--messages`` mails in bulk (``seed_messages``: an
invitation in five languages, a ~2 KB text part and a ~4 KB HTML part) and starts that many
``flask outbox deliver --once`` workers against it (``MAIL_BACKEND=smtp``), timing them until
the outbox is empty. A last run starts 4 workers, SIGKILLs one when about half the mail is
sent, starts a replacement, and once the others are done and the killed worker's lease
(``OUTBOX_LEASE_SECONDS``, 5 s here) has lapsed, one more worker for what it had claimed.

After each run it checks what the SMTP server received against the outbox: every message
arrived (missing must be 0), none twice (or, in the SIGKILL run, at most one per killed
worker: the message in its hands, under the same Message-ID), every row sent, none pending.
It prints messages per second (wall time from the workers' start, start-up included, and
between the first and the last ``sent_at``), SMTP connections, the CPU time of the workers
(start-up included) and of the SMTP server per message, how busy the machine's CPUs were
(anything else running included: the figures are only comparable on an idle machine), and a
table. The exit status is 1 when a check fails or 4 workers stay under 500 messages a second.

``--deferred`` queues the rows deferred instead (``kind="bench.invitation"``, one
``INSERT ... SELECT`` through ``queue_deferred_from``), so each is rendered at delivery, with
an .ics attachment, by ``outbox_worker.py``'s renderer; the workers are then that script,
which runs the same loop as the command. ``--profile`` first times composing 500 of the mails
alone (``build_email`` and flattening), then delivers 3,000 with one worker in this process
under cProfile and prints the time by package and the slowest functions.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import cProfile
import json
import logging
import os
import platform
import pstats
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent  # the virtualenv's bin/ (do not resolve the symlink)
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from outbox_worker import KIND, LOCALES, invitation, render_invitation  # noqa: E402

SERVER = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
AIM = 500  # messages a second with 4 workers
LEASE = 5  # seconds a worker holds its round: what the killed worker claimed waits this long
SEED_BATCH = 2_000
OUTBOX_ID = re.compile(r"outbox-(\d+)@")


def create_database() -> tuple[str, callable]:
    """A new, empty PostgreSQL database: its URL and a function that drops it."""
    from config import database_url

    name = f"bench_outbox_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(database_url(SERVER), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    url = sa.engine.make_url(database_url(SERVER)).set(database=name)
    return url.render_as_string(hide_password=False), drop


def prepare(url: str, tmp: Path):
    """Migrate the new database; return an app bound to it (for seeding and checking)."""
    from flask_migrate import upgrade

    from portal import create_app

    app = create_app(SQLALCHEMY_DATABASE_URI=url, SECRET_KEY="bench",  # noqa: S106
                     MAIL_FILE_DIR=str(tmp / "mail"), STORAGE_DIR=str(tmp / "storage"),
                     LOG_LEVEL="WARNING")
    with app.app_context():
        logging.disable(logging.INFO)  # alembic's line per revision
        try:
            upgrade()
        finally:
            logging.disable(logging.NOTSET)
    return app


def seed_messages(app, n: int, *, deferred: bool = False) -> None:
    """Put ``n`` invitation mails in the outbox, in bulk, as a bulk send would.

    Pre-rendered rows (subject, text, HTML in the recipient's language) unless ``deferred``:
    then rows of kind ``bench.invitation`` queued by ``queue_deferred_from`` in one statement,
    rendered at delivery by ``outbox_worker.render_invitation``. To be replaced by the events
    domain's own invitations when it lands.
    """
    from flask_babel import force_locale, gettext

    from portal.columns import utcnow
    from portal.extensions import db
    from portal.mail.models import OutboxMessage, OutboxStatus
    from portal.mail.service import queue_deferred_from

    with app.app_context():
        if deferred:
            number = sa.func.generate_series(1, n).column_valued("number")
            locale = sa.case(*((number % len(LOCALES) == i, code)
                               for i, code in enumerate(LOCALES)))
            recipient = sa.func.concat("guest", number, "@example.org")
            queue_deferred_from(sa.select(recipient, locale, number), kind=KIND)
            db.session.commit()
            return
        senders = {}
        for code in LOCALES:
            with force_locale(code):
                senders[code] = gettext("Seoul Foreigner Portal")
        now = utcnow()
        for start in range(1, n + 1, SEED_BATCH):
            rows = []
            for number in range(start, min(start + SEED_BATCH, n + 1)):
                code = LOCALES[number % len(LOCALES)]
                mail = invitation(number, code)
                rows.append({
                    "recipient": f"guest{number}@example.org", "sender_name": senders[code],
                    "locale": code, "subject": mail.subject, "text": mail.text,
                    "html": mail.html, "status": OutboxStatus.pending, "attempts": 0,
                    "next_attempt_at": now, "created_at": now,
                })
            db.session.execute(sa.insert(OutboxMessage), rows)
        db.session.commit()


def clear_outbox(app) -> None:
    from portal.extensions import db

    with app.app_context():
        db.session.execute(sa.text("TRUNCATE outbox_messages"))
        db.session.commit()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sink:
    """The SMTP server process and what it received."""

    def __init__(self, tmp: Path, label: str):
        self.port = free_port()
        self.ids_path = tmp / f"{label}.ids"
        self.stats_path = tmp / f"{label}.stats.json"
        self.process = subprocess.Popen(
            [sys.executable, str(BENCH / "smtp_sink.py"), "--port", str(self.port),
             "--output", str(self.ids_path), "--stats", str(self.stats_path)],
            stdout=subprocess.PIPE, text=True,
        )
        if self.process.stdout.readline().strip() != "ready":
            self.process.kill()
            raise RuntimeError("the SMTP sink did not start")

    def stop(self) -> dict:
        """Stop the server (by its pid); return its counts and CPU seconds."""
        before = children_cpu()
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)
        stats = json.loads(self.stats_path.read_text())
        stats["cpu"] = children_cpu() - before
        return stats

    def message_ids(self) -> list[str]:
        return self.ids_path.read_text().split() if self.ids_path.exists() else []


def children_cpu() -> float:
    """CPU seconds (user + system) of the child processes reaped so far."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def machine_busy() -> tuple[float, float]:
    """Busy and total jiffies of all CPUs so far (from /proc/stat)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


@dataclass
class Run:
    label: str
    workers: int
    messages: int
    wall: float = 0.0
    span: float = 0.0  # first to last sent_at
    connections: int = 0
    worker_cpu: float = 0.0
    sink_cpu: float = 0.0
    busy: float = 0.0  # fraction of the machine's CPUs busy during the run
    missing: int = 0
    duplicates: int = 0
    unexpected: int = 0
    changed_ids: int = 0  # duplicates that came with another Message-ID
    not_sent: dict = field(default_factory=dict)
    retried: int = 0
    killed: int = 0
    killed_at: int = 0
    cleanup_worker: bool = False

    @property
    def rate(self) -> float:
        return self.messages / self.wall if self.wall else 0.0

    @property
    def steady_rate(self) -> float:
        return (self.messages - 1) / self.span if self.span else 0.0

    @property
    def ok(self) -> bool:
        return (not self.missing and not self.unexpected and not self.changed_ids
                and not self.not_sent and self.duplicates <= self.killed)


def worker_command(*, deferred: bool, batch: int | None) -> list[str]:
    if deferred:
        command = [sys.executable, str(BENCH / "outbox_worker.py"), "--once"]
    else:
        command = [str(BIN / "flask"), "outbox", "deliver", "--once"]
    return command + (["--batch", str(batch)] if batch else [])


def worker_env(url: str, port: int, tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("MAIL_", "OUTBOX_")) and k != "PORTAL_ENV"}
    env.update(FLASK_APP="portal", DATABASE_URL=url, MAIL_BACKEND="smtp",
               MAIL_SERVER="127.0.0.1", MAIL_PORT=str(port),
               SECRET_KEY="bench",  # noqa: S106 - throw-away benchmark database
               PORTAL_INSTANCE_DIR=str(tmp / "instance"), LOG_LEVEL="WARNING",
               PYTHONPATH=str(ROOT), OUTBOX_LEASE_SECONDS=str(LEASE))
    return env


def sent_count(app) -> int:
    from portal.extensions import db
    from portal.mail.models import OutboxMessage, OutboxStatus

    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count()).where(
            OutboxMessage.status == OutboxStatus.sent))
        db.session.rollback()
        return count


def run(app, url: str, tmp: Path, *, label: str, workers: int, messages: int,
        deferred: bool, batch: int | None, kill: bool = False) -> Run:
    """Fill the outbox, deliver it with ``workers`` processes (SIGKILL one halfway if
    ``kill``), and check what arrived."""
    result = Run(label=label, workers=workers, messages=messages)
    clear_outbox(app)
    seed_messages(app, messages, deferred=deferred)
    sink = Sink(tmp, label.replace(" ", "-"))
    env = worker_env(url, sink.port, tmp)
    command = worker_command(deferred=deferred, batch=batch)
    logs = []

    def start(n: int) -> subprocess.Popen:
        log = open(tmp / f"{label.replace(' ', '-')}-worker{n}.log", "w")  # noqa: SIM115
        logs.append(log)
        return subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT,
                                cwd=ROOT)

    cpu_before = children_cpu()
    busy_before = machine_busy()
    started = time.perf_counter()
    processes = [start(n) for n in range(workers)]
    try:
        if kill:
            while sent_count(app) < messages // 2:
                if all(p.poll() is not None for p in processes):
                    break
                time.sleep(0.05)
            victim = processes[0]
            if victim.poll() is None:
                os.kill(victim.pid, signal.SIGKILL)
                result.killed = 1
                result.killed_at = sent_count(app)
                processes.append(start(len(processes)))
        for process in processes:
            process.wait()
        result.wall = time.perf_counter() - started
        if pending_count(app):
            # The rest of the killed worker's round, claimed until its lease lapses after the
            # others had finished: one more worker takes it then.
            result.cleanup_worker = True
            time.sleep(LEASE)
            cleanup = start(len(processes))
            processes.append(cleanup)
            cleanup.wait()
            result.wall = time.perf_counter() - started
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
        for log in logs:
            log.close()
    busy_after = machine_busy()
    result.busy = ((busy_after[0] - busy_before[0])
                   / max(busy_after[1] - busy_before[1], 1))
    result.worker_cpu = children_cpu() - cpu_before
    stats = sink.stop()
    result.connections, result.sink_cpu = stats["connections"], stats["cpu"]
    check(app, result, sink.message_ids())
    return result


def pending_count(app) -> int:
    from portal.extensions import db
    from portal.mail.models import OutboxMessage, OutboxStatus

    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count()).where(
            OutboxMessage.status == OutboxStatus.pending))
        db.session.rollback()
        return count


def check(app, result: Run, received: list[str]) -> None:
    """Compare what the SMTP server received with the outbox's rows."""
    from portal.extensions import db
    from portal.mail.models import OutboxMessage, OutboxStatus

    with app.app_context():
        ids = set(db.session.scalars(sa.select(OutboxMessage.id)))
        statuses = dict(db.session.execute(
            sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)
        ).all())
        first, last = db.session.execute(
            sa.select(sa.func.min(OutboxMessage.sent_at), sa.func.max(OutboxMessage.sent_at))
        ).one()
        result.retried = db.session.scalar(
            sa.select(sa.func.count()).where(OutboxMessage.attempts > 1))
        db.session.rollback()
    result.span = (last - first).total_seconds() if first and last else 0.0
    result.not_sent = {status.name: count for status, count in statuses.items()
                       if status is not OutboxStatus.sent}
    by_outbox_id = collections.defaultdict(list)
    for message_id in received:
        match = OUTBOX_ID.search(message_id)
        by_outbox_id[int(match.group(1)) if match else -1].append(message_id)
    result.missing = len(ids - by_outbox_id.keys())
    result.unexpected = sum(len(v) for k, v in by_outbox_id.items() if k not in ids)
    twice = {k: v for k, v in by_outbox_id.items() if len(v) > 1}
    result.duplicates = sum(len(v) - 1 for v in twice.values())
    result.changed_ids = sum(1 for v in twice.values() if len(set(v)) > 1)
    if twice:
        shown = [(k, sorted(set(v))) for k, v in sorted(twice.items())[:5]]
        print(f"    arrived more than once ({len(twice)} in all): {shown}")


def profile(app, tmp: Path, *, deferred: bool, batch: int | None,
            messages: int = 3_000) -> None:
    """Deliver ``messages`` with one worker in this process under cProfile; print where the
    time went by package, the slowest functions, and what composing a mail costs alone."""
    from portal.extensions import db
    from portal.mail.cli import run_worker
    from portal.mail.models import OutboxMessage
    from portal.mail.service import build_email, register_renderer, render_deferred

    clear_outbox(app)
    seed_messages(app, messages, deferred=deferred)
    sink = Sink(tmp, "profile")
    register_renderer(app, KIND, render_invitation)
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=sink.port)
    with app.app_context():
        sample = db.session.scalars(sa.select(OutboxMessage).limit(500)).all()
        db.session.rollback()
        started = time.process_time()
        emails = [build_email(m, render_deferred(m) if m.kind else None) for m in sample]
        built = time.process_time()
        sizes = [len(e.as_bytes()) for e in emails]
        flattened = time.process_time()
    profiler = cProfile.Profile()
    with app.app_context(), open(os.devnull, "w") as devnull, \
            contextlib.redirect_stdout(devnull):
        started_run = time.perf_counter()
        profiler.enable()
        run_worker(once=True, batch=batch)
        profiler.disable()
        elapsed = time.perf_counter() - started_run
        db.session.remove()
    sink.stop()
    print(f"composing alone ({len(sample)} messages, {sum(sizes) / len(sizes) / 1024:.1f} KB "
          f"each): render + build_email {1000 * (built - started) / len(sample):.2f} ms, "
          f"flattening {1000 * (flattened - built) / len(sample):.2f} ms CPU a message")
    print(f"profile: {messages} messages, one worker in process, {elapsed:.1f} s "
          f"({messages / elapsed:.0f}/s under the profiler); own time by package:")
    stats = pstats.Stats(profiler)
    by_package = collections.Counter()
    for (filename, _, _), (_, _, own, _, _) in stats.stats.items():
        by_package[package_of(filename)] += own
    total = sum(by_package.values())
    for package, seconds in by_package.most_common(8):
        print(f"    {package:<28} {1000 * seconds / messages:6.2f} ms a message "
              f"({100 * seconds / total:.0f}%)")
    stats.sort_stats("tottime").print_stats(20)


def package_of(filename: str) -> str:
    """Group a profiled function by what it belongs to: a package, the portal, the stdlib."""
    if "site-packages/" in filename:
        return filename.split("site-packages/")[1].split("/")[0]
    if "/portal/" in filename:
        return "portal"
    for name in ("email", "smtplib", "ssl", "socket", "selectors"):
        if f"/{name}/" in filename or filename.endswith(f"/{name}.py"):
            return f"stdlib {name}"
    if filename.startswith("~") or filename.startswith("<"):
        return "builtins (socket I/O, str ...)"
    return "stdlib, other"


def print_table(runs: list[Run]) -> None:
    print()
    print("| run | workers | messages | wall s | msg/s (wall) | msg/s (first→last sent) "
          "| SMTP connections | worker CPU ms/msg | SMTP server CPU ms/msg | CPUs busy "
          "| missing | twice | left unsent |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in runs:
        unsent = ", ".join(f"{k} {v}" for k, v in r.not_sent.items()) or "0"
        print(f"| {r.label} | {r.workers}{' (1 killed, +1)' if r.killed else ''} "
              f"| {r.messages} | {r.wall:.1f} | {r.rate:.0f} | {r.steady_rate:.0f} "
              f"| {r.connections} | {1000 * r.worker_cpu / r.messages:.2f} "
              f"| {1000 * r.sink_cpu / r.messages:.2f} | {100 * r.busy:.0f}% "
              f"| {r.missing} | {r.duplicates} | {unsent} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=30_000)
    parser.add_argument("--deferred", action="store_true",
                        help="queue deferred rows, rendered at delivery")
    parser.add_argument("--batch", type=int, help="messages per round (OUTBOX_BATCH_SIZE)")
    parser.add_argument("--workers", default="1,4", help="worker counts to time")
    parser.add_argument("--no-kill", action="store_true", help="skip the SIGKILL run")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    mode = "deferred (rendered at delivery, .ics attached)" if args.deferred else "pre-rendered"
    print(f"{args.messages} messages, {mode}; {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}, {platform.system()}")
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="bench-outbox-") as tmp_name:
        tmp = Path(tmp_name)
        url, drop = create_database()
        try:
            app = prepare(url, tmp)
            if args.profile:
                profile(app, tmp, deferred=args.deferred, batch=args.batch)
            plans = [(f"{n} worker{'s' if n > 1 else ''}", n, False)
                     for n in map(int, args.workers.split(","))]
            if not args.no_kill:
                plans.append(("SIGKILL halfway", 4, True))
            for label, workers, kill in plans:
                result = run(app, url, tmp, label=label, workers=workers,
                             messages=args.messages, deferred=args.deferred,
                             batch=args.batch, kill=kill)
                runs.append(result)
                print(f"{label}: {result.rate:.0f} msg/s over {result.wall:.1f} s "
                      f"({result.steady_rate:.0f}/s first to last sent), "
                      f"{result.connections} SMTP connection(s), missing {result.missing}, "
                      f"twice {result.duplicates}, retried {result.retried}"
                      + (f"; killed one worker at {result.killed_at} sent" if kill else "")
                      + ("; a last worker took the rest of the killed one's round"
                         if result.cleanup_worker else "")
                      + ("" if result.ok else "  <-- CHECK FAILED"), flush=True)
            with app.app_context():
                from portal.extensions import db

                db.engine.dispose()
        finally:
            drop()
    print_table(runs)
    failed = any(not r.ok for r in runs)
    four = [r for r in runs if r.workers == 4 and not r.killed]
    if four:
        verdict = "meets" if four[0].rate >= AIM else "MISSES"
        print(f"\n4 workers: {four[0].rate:.0f} msg/s, {verdict} the aim of {AIM}/s")
        failed |= four[0].rate < AIM
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
