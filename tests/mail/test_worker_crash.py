"""Outbox workers killed with SIGKILL: every mail still arrives, at most one of them twice.

Real ``flask outbox deliver`` processes against a database of their own and an SMTP server
on loopback. A worker claims a round of messages for a lease and records each one as soon as
it is sent, so a killed worker leaves one message that may have gone out unrecorded (the one
in its hands, sent again under the same Message-ID) and the rest of its round claimed: another
worker takes them when the lease lapses. On PostgreSQL the workers claim at once (``SKIP
LOCKED``); on SQLite they take turns for the claim and the record, never while sending.
"""

import collections
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.mail.models import OutboxMessage, OutboxStatus
from tests.conftest import make_app
from tests.fixtures.mail import Collector, CountingController, free_port

pytestmark = [pytest.mark.no_transaction, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
WAIT = 120  # seconds: generous, for a machine busy with other work
LEASE = 2  # seconds a worker holds its round (OUTBOX_LEASE_SECONDS): short, for the test


@pytest.fixture
def crash_app(fresh_databases, tmp_path):
    app = make_app(fresh_databases.new(), tmp_path)
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def relay():
    """An SMTP server on loopback in this process: (its handler, its port)."""
    handler = Collector()
    port = free_port()
    controller = CountingController(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    handler.release.set()
    controller.stop()


def queue_messages(app, total: int) -> None:
    with app.app_context():
        db.session.add_all(
            OutboxMessage(recipient=f"p{i}@example.org", locale="en", subject=f"Message {i}",
                          text="Hello", html="<p>Hello</p>")
            for i in range(total)
        )
        db.session.commit()


def start_worker(app, port: int, tmp_path: Path, name: str) -> subprocess.Popen:
    """A ``flask outbox deliver --once`` process; its envelope sender names it."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("MAIL_", "OUTBOX_")) and k != "PORTAL_ENV"}
    env.update(
        FLASK_APP="portal", DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=str(port),
        MAIL_SENDER=f"Portal <{name}@portal.seoul.test>", SECRET_KEY="test-crash",
        PORTAL_INSTANCE_DIR=str(tmp_path / "instance"), LOG_LEVEL="WARNING",
        OUTBOX_LEASE_SECONDS=str(LEASE),
    )
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "outbox", "deliver", "--once", "--batch", "5"],
        env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def finish(workers: list[subprocess.Popen]) -> None:
    for worker in workers:
        output, _ = worker.communicate(timeout=WAIT)
        assert worker.returncode == 0, output


def wait_until(condition, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        time.sleep(0.01)


def after_the_lease(app, port: int, tmp_path: Path) -> None:
    """Once the killed worker's lease has lapsed, a last worker sends what it had claimed."""
    time.sleep(LEASE + 0.5)
    finish([start_worker(app, port, tmp_path, "last")])


def kill(worker: subprocess.Popen) -> None:
    worker.kill()  # SIGKILL: no handler, no clean-up, the transaction left open
    worker.communicate(timeout=WAIT)


def arrivals(handler) -> collections.Counter:
    return collections.Counter(m["Message-ID"] for m in handler.received)


def assert_every_row_sent_once(app, total: int, handler) -> None:
    with app.app_context():
        rows = db.session.scalars(sa.select(OutboxMessage)).all()
        db.session.remove()
    assert len(rows) == total
    assert {r.status for r in rows} == {OutboxStatus.sent}  # nothing pending, nothing failed
    assert {r.attempts for r in rows} == {1}  # the killed worker's attempt was not recorded
    expected = {f"<outbox-{r.id}@portal.seoul.test>" for r in rows}
    assert set(arrivals(handler)) == expected  # every mail arrived, nothing else did


def test_the_message_in_a_killed_workers_hands_arrives_twice_and_nothing_else(
    crash_app, relay, tmp_path
):
    handler, port = relay
    total = 30
    queue_messages(crash_app, total)
    handler.hold_after = 10  # the server has the 10th message but does not answer yet
    victim = start_worker(crash_app, port, tmp_path, "victim")
    assert handler.held.wait(WAIT), victim.communicate(timeout=5)[0]
    in_hand = handler.received[9]["Message-ID"]
    kill(victim)
    handler.release.set()
    finish([start_worker(crash_app, port, tmp_path, f"after{n}") for n in range(2)])
    after_the_lease(crash_app, port, tmp_path)

    counts = arrivals(handler)
    assert {mid: n for mid, n in counts.items() if n > 1} == {in_hand: 2}
    assert_every_row_sent_once(crash_app, total, handler)


def test_killing_one_of_several_workers_halfway_loses_nothing(crash_app, relay, tmp_path):
    handler, port = relay
    total = 120
    queue_messages(crash_app, total)
    handler.reply_delay = 0.01  # a relay that takes its time: the kill lands mid-message
    workers = {f"worker{n}": start_worker(crash_app, port, tmp_path, f"worker{n}")
               for n in range(3)}
    wait_until(lambda: len(handler.received) >= total // 3, "a third is sent")
    # The worker that sent the latest message is busy with the next one: kill it.
    victim = handler.received[-1]["X-MailFrom"].split("@")[0]
    kill(workers.pop(victim))
    # What the killed worker had claimed but not begun goes out once its lease lapses.
    finish([*workers.values(), start_worker(crash_app, port, tmp_path, "replacement")])
    after_the_lease(crash_app, port, tmp_path)

    twice = {mid: n for mid, n in arrivals(handler).items() if n > 1}
    # At most one message arrives twice: the last one the killed worker sent (the server had
    # it, the worker had not committed "sent" yet).
    killed_last = [m["Message-ID"] for m in handler.received
                   if m["X-MailFrom"] == f"{victim}@portal.seoul.test"][-1]
    assert twice in ({}, {killed_last: 2})
    assert_every_row_sent_once(crash_app, total, handler)
