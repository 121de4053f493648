"""The backup drill: copy a seeded database while it is written, restore it, serve it."""

import threading

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from portal.accounts.demo import ADMIN_EMAIL, DEMO_PASSWORD
from portal.accounts.models import Consent, User
from portal.audit import AuditLog
from portal.contacts.models import Contact
from portal.extensions import db
from portal.notifications.models import Notification
from tests.conftest import make_app
from tests.support.http import sign_in

pytestmark = [pytest.mark.no_transaction, pytest.mark.slow]

TABLES = (User, Consent, Contact, Notification)


def counts() -> dict[str, int]:
    return {
        model.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in TABLES
    }


def ticks() -> list[int]:
    return list(db.session.scalars(
        sa.select(AuditLog.object_id).where(AuditLog.action == "backup.tick")
        .order_by(AuditLog.object_id)
    ))


def test_a_backup_taken_while_writing_restores_into_a_working_portal(fresh_databases,
                                                                     tmp_path):
    app = make_app(fresh_databases.new(), tmp_path / "live")
    with app.app_context():
        upgrade()
        result = app.test_cli_runner().invoke(args=["demo", "seed"])
        assert result.exit_code == 0, result.output
        seeded = counts()
        db.session.remove()

    stop = threading.Event()
    written = threading.Event()

    def writer():
        # Commit one numbered row after another until told to stop.
        with app.app_context():
            number = 0
            while not stop.is_set():
                number += 1
                db.session.add(AuditLog(action="backup.tick", object_type="test",
                                        object_id=number))
                db.session.commit()
                if number == 20:
                    written.set()
            db.session.remove()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert written.wait(30)
        with app.app_context():
            before = len(ticks())
            db.session.remove()
        backup_file = tmp_path / "portal.backup"
        result = app.test_cli_runner().invoke(args=["backup", "create", str(backup_file)])
        assert result.exit_code == 0, result.output
    finally:
        stop.set()
        thread.join(30)
    with app.app_context():
        after = len(ticks())
        db.session.remove()
        db.engine.dispose()
    assert after > before  # the writer kept writing around the backup

    restored = make_app(fresh_databases.new(), tmp_path / "restored")
    result = restored.test_cli_runner().invoke(args=["backup", "restore", str(backup_file)])
    assert result.exit_code == 0, result.output
    with restored.app_context():
        assert counts() == seeded
        copied = ticks()
        # A consistent snapshot: every row committed before the backup began, no gaps after.
        assert before <= len(copied) <= after
        assert copied == list(range(1, len(copied) + 1))
        db.session.remove()

    client = restored.test_client()
    assert sign_in(client, ADMIN_EMAIL, DEMO_PASSWORD).status_code == 302
    html = client.get("/en/staff/contacts").get_data(as_text=True)
    assert f"{seeded['contacts']} contacts" in html
    with restored.app_context():
        db.session.remove()
        db.engine.dispose()
    # A second restore into the now full database is refused.
    again = restored.test_cli_runner().invoke(args=["backup", "restore", str(backup_file)])
    assert again.exit_code != 0
    assert "not empty" in again.output
    with restored.app_context():
        db.engine.dispose()
