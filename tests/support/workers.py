"""Code run in child processes by the concurrency tests (importable, so 'spawn' can find it)."""

import os
import tempfile
from pathlib import Path

import sqlalchemy as sa


def child_app(url: str, **overrides):
    from config import TestConfig
    from portal import create_app

    tmp = Path(tempfile.mkdtemp(prefix="portal-child-"))
    return create_app(
        TestConfig, SQLALCHEMY_DATABASE_URI=url, MAIL_FILE_DIR=str(tmp / "mail"), **overrides
    )


def deliver_worker(url: str, smtp_port: int, start) -> int:
    """Deliver the outbox until nothing is due; return how many this process sent."""
    from portal.extensions import db
    from portal.mail.service import deliver_due

    app = child_app(url, MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_port)
    start.wait()
    sent = 0
    with app.app_context():
        while True:
            report = deliver_due(limit=5)
            sent += report.sent
            if report.handled == 0:
                break
        db.engine.dispose()
    return sent


def increment_worker(url: str, times: int, start) -> int:
    """Read-modify-write a shared counter ``times`` times, each in its own write transaction."""
    from portal.audit import AuditLog
    from portal.extensions import db

    app = child_app(url)
    start.wait()
    with app.app_context():
        for _ in range(times):
            entry = db.session.scalars(
                sa.select(AuditLog).where(AuditLog.action == "counter").with_for_update()
            ).one()
            entry.object_id = (entry.object_id or 0) + 1
            db.session.add(AuditLog(action="tick", object_type="test", object_id=os.getpid()))
            db.session.commit()
        db.engine.dispose()
    return times


def sign_in_attempts(url: str, redis_url: str, prefix: str, attempts: int) -> list[int]:
    """Make failed sign-in attempts in this process; return the status codes answered."""
    import re

    app = child_app(
        url,
        RATELIMIT_STORAGE_URI=redis_url,
        RATELIMIT_KEY_PREFIX=prefix,
        LOGIN_LIMIT_PER_IP="4 per minute",
    )
    client = app.test_client()
    page = client.get("/en/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    statuses = [
        client.post(
            "/en/login",
            data={"csrf_token": token, "email": f"nobody{n}@example.org", "password": "x" * 12},
        ).status_code
        for n in range(attempts)
    ]
    with app.app_context():
        from portal.extensions import db

        db.engine.dispose()
    return statuses
