"""The outbox worker: one SMTP connection for many messages, a stale one replaced at once."""

import os
import signal
import threading
from datetime import timedelta

import sqlalchemy as sa
from click.testing import CliRunner

from portal.columns import utcnow
from portal.extensions import db
from portal.mail.backends import get_backend
from portal.mail.cli import run_worker
from portal.mail.models import OutboxMessage, OutboxStatus
from portal.mail.service import build_email, deliver_due
from tests.mail.test_outbox import queue


def quiet(line: str) -> None:
    pass


def test_a_message_keeps_one_message_id_on_every_attempt(app):
    queue(1)
    message = db.session.scalar(sa.select(OutboxMessage))
    first, again = build_email(message)["Message-ID"], build_email(message)["Message-ID"]
    assert first == again == f"<outbox-{message.id}@portal.seoul.test>"


def test_the_worker_sends_every_round_through_one_connection(app, smtp_server):
    queue(25)
    assert run_worker(once=True, batch=10, echo=quiet) == 25
    assert len(smtp_server.received) == 25
    assert smtp_server.connections == 1


def test_the_deliver_command_uses_one_connection(app, smtp_server):
    queue(12)
    result = CliRunner().invoke(app.cli, ["outbox", "deliver", "--once", "--batch", "5"])
    assert "delivered 12 message(s)" in result.output
    assert smtp_server.connections == 1


def test_a_round_without_a_backend_opens_and_closes_its_own(app, smtp_server):
    queue(2)
    assert deliver_due().sent == 2
    queue(1)
    assert deliver_due().sent == 1
    assert smtp_server.connections == 2


def test_a_connection_the_server_dropped_is_replaced_without_delay(app, smtp_server):
    queue(1)
    with get_backend() as backend:
        assert deliver_due(backend=backend).sent == 1
        smtp_server.disconnect_next = 1  # the server closed the idle connection meanwhile
        queue(1)
        report = deliver_due(backend=backend)
    assert (report.sent, report.retried) == (1, 0)
    assert len(smtp_server.received) == 2
    assert smtp_server.connections == 2


def test_a_connection_lost_during_data_is_not_resent_at_once(app, smtp_server):
    queue(1)
    smtp_server.drop_in_data = 1
    with get_backend() as backend:
        report = deliver_due(backend=backend)
    # The server might have accepted it: the outbox retries later, never at once.
    assert (report.sent, report.retried) == (0, 1)
    assert smtp_server.connections == 1
    message = db.session.scalar(sa.select(OutboxMessage))
    assert message.status is OutboxStatus.pending and message.attempts == 1
    assert message.next_attempt_at > utcnow()


def test_a_new_connection_that_fails_is_not_tried_twice(app, smtp_server):
    queue(1)
    smtp_server.disconnect_next = 1  # on the first connection: not a stale one
    with get_backend() as backend:
        assert deliver_due(backend=backend).retried == 1
    assert smtp_server.connections == 1


def test_the_longest_due_message_goes_first(app, smtp_server):
    queue(2)
    later, earlier = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id))
    earlier.next_attempt_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    assert deliver_due(limit=1).sent == 1
    [received] = smtp_server.received
    assert received["Message-ID"] == f"<outbox-{earlier.id}@portal.seoul.test>"


def test_an_idle_worker_closes_its_connection_and_stops_on_sigterm(app, smtp_server):
    queue(3)
    fallback = []

    def terminate():
        os.kill(os.getpid(), signal.SIGTERM)

    # The worker is stopped when it says QUIT: that must happen once a round finds nothing,
    # while it waits for more (else the fallback stops it, and the test fails).
    smtp_server.on_quit = terminate
    timer = threading.Timer(30, lambda: (fallback.append(True), terminate()))
    before = signal.getsignal(signal.SIGTERM)
    timer.start()
    try:
        sent = run_worker(interval=0.1, echo=quiet)
    finally:
        timer.cancel()
    assert sent == 3
    assert fallback == []
    assert (smtp_server.connections, smtp_server.quits) == (1, 1)
    assert len(smtp_server.received) == 3
    assert signal.getsignal(signal.SIGTERM) is before  # the worker put the handler back
