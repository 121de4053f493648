"""Rounds claimed with a lease: no lock held while sending, no message started too late."""

import sqlite3
from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.columns import utcnow
from portal.extensions import db
from portal.mail import service
from portal.mail.models import OutboxMessage, OutboxStatus
from portal.mail.service import deliver_due, queue_deferred, register_renderer
from tests.fixtures.mail import Collector, CountingController, free_port
from tests.mail.test_outbox import queue


class Recorder:
    """A backend that keeps what it is given and can run something while "sending"."""

    def __init__(self, during_send=None):
        self.sent: list[int] = []
        self.during_send = during_send

    def send(self, data: bytes, *, sender: str, recipient: str, message_id: int) -> None:
        if self.during_send:
            self.during_send(message_id)
        self.sent.append(message_id)

    def close(self) -> None:
        pass


def rows() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def test_a_message_another_worker_holds_waits_until_its_lease_lapses(app):
    queue(2)
    held, free = rows()
    held.claimed_by, held.claimed_until = "other:1:abcd", utcnow() + timedelta(minutes=5)
    db.session.commit()
    backend = Recorder()
    assert deliver_due(backend=backend).sent == 1
    assert backend.sent == [free.id]
    held.claimed_until = utcnow() - timedelta(seconds=1)  # the other worker died
    db.session.commit()
    assert deliver_due(backend=backend).sent == 1
    assert backend.sent == [free.id, held.id]
    assert {(m.status, m.claimed_by, m.attempts) for m in rows()} == {
        (OutboxStatus.sent, None, 1)}


def test_a_round_starts_no_message_in_the_second_half_of_its_lease(app, monkeypatch):
    queue(4)
    app.config["OUTBOX_LEASE_SECONDS"] = 100
    clock = [1000.0]
    monkeypatch.setattr(service.time, "monotonic", lambda: clock[0])

    def slow(message_id):
        clock[0] += 30  # each message takes 30 of the lease's 100 seconds

    backend = Recorder(during_send=slow)
    report = deliver_due(backend=backend)
    # Started at 0 and 30 s; at 60 s the lease is past its half: the rest is given back.
    assert report.sent == 2
    first, second, third, fourth = rows()
    assert (third.status, third.claimed_by, third.claimed_until) == (
        OutboxStatus.pending, None, None)
    assert fourth.claimed_by is None and fourth.attempts == 0
    assert deliver_due(backend=Recorder()).sent == 2  # another round takes them at once


def test_a_round_left_by_an_error_gives_back_what_it_did_not_start(app):
    queue(3)

    def explode(message_id):
        raise KeyboardInterrupt  # not a delivery failure: the worker is stopping

    with pytest.raises(KeyboardInterrupt):
        deliver_due(backend=Recorder(during_send=explode))
    # The first message's fate is unknown (it may be retried when the lease lapses); the two
    # it never reached are free for the next round at once.
    first, *others = rows()
    assert first.claimed_by is not None
    assert [(m.claimed_by, m.status) for m in others] == [(None, OutboxStatus.pending)] * 2
    assert deliver_due(backend=Recorder()).sent == 2


def _broken(message):
    db.session.execute(sa.text("SELECT * FROM no_such_table"))


def test_a_renderer_whose_query_fails_is_retried_and_the_round_goes_on(app):
    register_renderer(app, "test.broken", _broken)
    queue_deferred(to="x@example.org", locale="en", kind="test.broken", object_id=1)
    db.session.commit()
    queue(1)
    backend = Recorder()
    report = deliver_due(backend=backend)
    assert (report.retried, report.sent) == (1, 1)
    broken, plain = rows()
    assert backend.sent == [plain.id]
    assert broken.status is OutboxStatus.pending and broken.attempts == 1
    assert "no_such_table" in broken.last_error


@pytest.mark.no_transaction
def test_nothing_is_locked_while_a_message_is_being_sent(shared_app):
    """Another writer goes ahead while the SMTP server takes its time: on SQLite the database's
    write lock, on PostgreSQL the message's own row."""
    url = shared_app.config["SQLALCHEMY_DATABASE_URI"]
    with shared_app.app_context():
        queue(1)
        outcomes = []
        if url.startswith("sqlite"):
            path = sa.engine.make_url(url).database

            def write_meanwhile(message_id):
                other = sqlite3.connect(path, timeout=0.2, isolation_level=None)
                try:
                    other.execute("BEGIN IMMEDIATE")
                    other.execute("ROLLBACK")
                    outcomes.append("wrote")
                except sqlite3.OperationalError as error:
                    outcomes.append(str(error))
                finally:
                    other.close()
        else:
            engine = sa.create_engine(url)

            def write_meanwhile(message_id):
                try:
                    with engine.begin() as other:
                        other.execute(sa.text("SET LOCAL lock_timeout = '200ms'"))
                        other.execute(sa.text("UPDATE outbox_messages SET locale = locale "
                                              "WHERE id = :id"), {"id": message_id})
                    outcomes.append("wrote")
                except sa.exc.OperationalError as error:
                    outcomes.append(str(error.orig))
                finally:
                    engine.dispose()

        assert deliver_due(backend=Recorder(during_send=write_meanwhile)).sent == 1
        db.session.remove()
    assert outcomes == ["wrote"]


def test_an_address_in_its_own_script_needs_a_server_that_takes_it(app, smtp_server):
    queue(1, recipient="김민지@example.org")
    handler = Collector()
    port = free_port()
    plain = CountingController(handler, hostname="127.0.0.1", port=port,
                               enable_SMTPUTF8=False)
    plain.start()
    served = app.config["MAIL_PORT"]
    try:
        app.config["MAIL_PORT"] = port
        report = deliver_due()
    finally:
        app.config["MAIL_PORT"] = served
        plain.stop()
    assert report.retried == 1 and handler.received == []
    [message] = rows()
    assert "SMTPUTF8" in message.last_error

    message.next_attempt_at = utcnow()
    db.session.commit()
    assert deliver_due().sent == 1  # the test server takes SMTPUTF8
    [received] = smtp_server.received
    assert received["X-RcptTo"] == "김민지@example.org"
