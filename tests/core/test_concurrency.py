"""Several processes sharing one database: no lost writes, no 'database is locked', no mail sent
twice. These tests commit for real, in a database of their own."""

import multiprocessing
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from portal.accounts.models import User
from portal.audit import AuditLog
from portal.extensions import db
from portal.mail.models import OutboxMessage, OutboxStatus
from tests.fixtures.mail import Collector, free_port
from tests.support.http import PASSWORD, csrf_token
from tests.support.workers import deliver_worker, increment_worker

pytestmark = [pytest.mark.no_transaction, pytest.mark.slow]
SPAWN = multiprocessing.get_context("spawn")


def run_processes(target, args_list):
    """Start one process per argument tuple, release them together, return their results."""
    with SPAWN.Manager() as manager, SPAWN.Pool(len(args_list)) as pool:
        start = manager.Event()
        results = [pool.apply_async(target, (*args, start)) for args in args_list]
        start.set()
        return [r.get(timeout=120) for r in results]


def test_concurrent_writers_from_several_processes_all_succeed(shared_app):
    with shared_app.app_context():
        db.session.add(AuditLog(action="counter", object_type="test", object_id=0))
        db.session.commit()
    url = shared_app.config["SQLALCHEMY_DATABASE_URI"]
    processes, times = 4, 40
    results = run_processes(increment_worker, [(url, times)] * processes)
    assert results == [times] * processes
    with shared_app.app_context():
        counter = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "counter"))
        assert counter.object_id == processes * times  # no lost update, no locked error
        ticks = db.session.scalar(
            sa.select(sa.func.count()).where(AuditLog.action == "tick")
        )
        assert ticks == processes * times


def test_several_outbox_workers_send_each_message_exactly_once(shared_app):
    total = 60
    with shared_app.app_context():
        db.session.add_all(
            OutboxMessage(recipient=f"p{i}@example.org", locale="en", subject=f"Message {i}",
                          text="Hello", html=None)
            for i in range(total)
        )
        db.session.commit()
    handler = Collector()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        url = shared_app.config["SQLALCHEMY_DATABASE_URI"]
        sent = run_processes(deliver_worker, [(url, port)] * 3)
    finally:
        controller.stop()
    assert sum(sent) == total
    subjects = [m["Subject"] for m in handler.received]
    assert len(subjects) == total
    assert len(set(subjects)) == total  # nobody received a message twice
    with shared_app.app_context():
        rows = db.session.scalars(sa.select(OutboxMessage)).all()
        assert all(r.status is OutboxStatus.sent and r.attempts == 1 for r in rows)


def test_concurrent_registrations_with_one_address_make_one_account(shared_app):
    clients = [shared_app.test_client() for _ in range(6)]
    tokens = [csrf_token(c, "/en/register") for c in clients]
    barrier = threading.Barrier(len(clients))

    def register(args):
        client, token = args
        barrier.wait()
        return client.post(
            "/en/register",
            data={
                "csrf_token": token, "name": "Race", "email": "race@example.org",
                "nationality": "VN", "locale": "en", "district": "mapo",
                "password": PASSWORD, "password_again": PASSWORD, "consent_account": "y",
            },
        ).status_code

    with ThreadPoolExecutor(len(clients)) as pool:
        statuses = list(pool.map(register, zip(clients, tokens, strict=True)))
    assert statuses == [302] * len(clients)
    with shared_app.app_context():
        assert db.session.scalar(
            sa.select(sa.func.count()).where(User.email == "race@example.org")
        ) == 1
        db.session.remove()
