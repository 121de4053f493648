"""Put mail in the outbox, in the recipient's language, and deliver what is due."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid, parseaddr
from typing import Any

import sqlalchemy as sa
from flask import current_app, has_request_context, render_template, url_for
from flask_babel import force_locale, gettext

from ..columns import utcnow
from ..extensions import db
from .backends import get_backend
from .models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

RETRY_BASE = timedelta(seconds=30)
RETRY_CAP = timedelta(hours=6)


def external_url(endpoint: str, **values: Any) -> str:
    """Absolute address of a page for links in mail, built on SITE_URL (not the request host).

    Works outside a request too (the digest and demo commands), through a bare request
    context: only the path is taken from it.
    """
    if has_request_context():
        path = url_for(endpoint, **values)
    else:
        with current_app.test_request_context("/"):
            path = url_for(endpoint, **values)
    return current_app.config["SITE_URL"].rstrip("/") + path


def queue_mail(*, to: str, locale: str, subject, template: str, **context) -> OutboxMessage:
    """Render a mail in ``locale`` (text and HTML) and add it to the outbox.

    ``template`` names ``templates/mail/<template>.txt`` and ``.html``; ``subject`` is a lazy
    string, evaluated in the recipient's language. The caller's transaction commits it together
    with the change that caused it. Templates greet ``greeting_name`` when given, else nobody.
    """
    with force_locale(locale):
        context = {"greeting_name": None, **context, "mail_locale": locale}
        message = OutboxMessage(
            recipient=to,
            sender_name=gettext("Seoul Foreigner Portal"),
            locale=locale,
            subject=str(subject),
            text=render_template(f"mail/{template}.txt", **context),
            html=render_template(f"mail/{template}.html", subject=str(subject), **context),
        )
    db.session.add(message)
    return message


def forget_recipient(address: str) -> int:
    """Delete every outbox message to ``address`` (a person erased from the portal)."""
    result = db.session.execute(
        sa.delete(OutboxMessage).where(OutboxMessage.recipient == address)
    )
    return result.rowcount


def outbox_counts() -> dict[str, int]:
    """How many messages wait to be sent and how many could not be delivered."""
    counts = dict(
        db.session.execute(
            sa.select(OutboxMessage.status, sa.func.count())
            .where(OutboxMessage.status.in_([OutboxStatus.pending, OutboxStatus.failed]))
            .group_by(OutboxMessage.status)
        ).all()
    )
    return {"pending": counts.get(OutboxStatus.pending, 0),
            "failed": counts.get(OutboxStatus.failed, 0)}


def prune_outbox(*, older_than: timedelta) -> int:
    """Delete sent and failed messages older than ``older_than``: mail holds personal data."""
    cutoff = utcnow() - older_than
    result = db.session.execute(
        sa.delete(OutboxMessage).where(
            OutboxMessage.status.in_([OutboxStatus.sent, OutboxStatus.failed]),
            OutboxMessage.created_at < cutoff,
        )
    )
    return result.rowcount


def build_email(message: OutboxMessage) -> EmailMessage:
    """Turn an outbox row into a MIME message with text and HTML parts."""
    configured_name, address = parseaddr(current_app.config["MAIL_SENDER"])
    domain = address.rsplit("@", 1)[-1] or "localhost"
    email = EmailMessage()
    email["From"] = formataddr((message.sender_name or configured_name, address))
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = format_datetime(message.created_at)
    # A stable id lets a receiving server spot a message delivered twice after a crash.
    email["Message-ID"] = make_msgid(idstring=f"outbox-{message.id}", domain=domain)
    email.set_content(message.text)
    if message.html:
        email.add_alternative(message.html, subtype="html")
    # After the body: set_content() clears every Content-* header.
    email["Content-Language"] = message.locale
    return email


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: 30 s, 1 min, 2 min ... capped at six hours."""
    return min(RETRY_BASE * (2 ** max(attempts - 1, 0)), RETRY_CAP)


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.failed


def _claim_next(now: datetime) -> OutboxMessage | None:
    """Lock the next due message; other workers skip it until this transaction ends."""
    stmt = (
        sa.select(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.pending, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    return db.session.scalars(stmt).first()


def deliver_due(*, limit: int | None = None) -> DeliveryReport:
    """Send due messages, one transaction each, so that every message is marked sent once."""
    report = DeliveryReport()
    limit = limit or current_app.config["OUTBOX_BATCH_SIZE"]
    max_attempts = current_app.config["OUTBOX_MAX_ATTEMPTS"]
    with get_backend() as backend:
        while report.handled < limit:
            now = utcnow()
            message = _claim_next(now)
            if message is None:
                db.session.rollback()
                break
            message.attempts += 1
            try:
                backend.send(build_email(message), message_id=message.id)
            except Exception as error:  # noqa: BLE001 - any failure is retried later
                message.last_error = f"{type(error).__name__}: {error}"[:2000]
                if message.attempts >= max_attempts:
                    message.status = OutboxStatus.failed
                    report.failed += 1
                    log.error("outbox message %s failed for good: %s", message.id, error)
                else:
                    message.next_attempt_at = now + retry_delay(message.attempts)
                    report.retried += 1
                    log.warning("outbox message %s will be retried: %s", message.id, error)
            else:
                message.status = OutboxStatus.sent
                message.sent_at = utcnow()
                message.last_error = None
                report.sent += 1
            db.session.commit()
    return report
