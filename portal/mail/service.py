"""Put mail in the outbox, in the recipient's language, and deliver what is due."""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import encoders
from email.header import Header
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr, parseaddr
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, has_request_context, render_template, url_for
from flask_babel import force_locale, gettext

from ..columns import UTCDateTime, utcnow
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
    """Render a mail in ``locale`` (see ``render_mail``) and add it to the outbox.

    The caller's transaction commits it together with the change that caused it.
    """
    rendered = render_mail(template, locale=locale, subject=subject, **context)
    with force_locale(locale):
        sender_name = gettext("Seoul Foreigner Portal")
    message = OutboxMessage(recipient=to, sender_name=sender_name, locale=locale,
                            subject=rendered.subject, text=rendered.text, html=rendered.html)
    db.session.add(message)
    return message


@dataclass(frozen=True)
class Attachment:
    """A file sent with a mail: an event's calendar entry, a QR code shown in the HTML part."""

    filename: str
    content_type: str  # "text/calendar", "image/png"
    data: bytes
    # Set for an image the HTML part shows with ``<img src="cid:...">``.
    content_id: str | None = None


@dataclass
class RenderedMail:
    """What a renderer makes of a deferred outbox message, in the recipient's language."""

    subject: str
    text: str
    html: str | None = None
    attachments: list[Attachment] = field(default_factory=list)


#: Turns a deferred message into its mail (called in the recipient's locale), or None when
#: what it was about has gone (an invitation withdrawn): the message is then dropped.
Renderer = Callable[[OutboxMessage], RenderedMail | None]


def register_renderer(app: Flask, kind: str, renderer: Renderer) -> None:
    """Let a domain render its ``kind`` of deferred mail when the worker delivers it."""
    app.extensions.setdefault("mail_renderers", {})[kind] = renderer


def render_mail(template: str, *, locale: str, subject, **context) -> RenderedMail:
    """Render ``templates/mail/<template>.txt`` and ``.html`` in ``locale``.

    ``subject`` is a lazy string, evaluated in that language. Templates greet
    ``greeting_name`` when given, else nobody.
    """
    with force_locale(locale):
        subject = str(subject)
        context = {"greeting_name": None, **context, "mail_locale": locale}
        return RenderedMail(
            subject=subject,
            text=render_template(f"mail/{template}.txt", **context),
            html=render_template(f"mail/{template}.html", subject=subject, **context),
        )


def queue_deferred(*, to: str, locale: str, kind: str, object_id: int) -> OutboxMessage:
    """Queue one mail that the ``kind`` renderer writes at delivery, in the caller's transaction."""
    message = OutboxMessage(recipient=to, locale=locale, subject="", text="", kind=kind,
                            object_id=object_id)
    db.session.add(message)
    return message


def queue_deferred_from(select: sa.Select, *, kind: str) -> None:
    """Queue one deferred mail per row of ``select`` (recipient, locale, object id), in one
    statement: thousands of invitations are queued without rendering anything."""
    now = utcnow()
    rows = select.subquery()
    recipient, locale, object_id = rows.c
    insert = sa.insert(OutboxMessage).from_select(
        ["recipient", "locale", "object_id", "kind", "subject", "text", "status", "attempts",
         "next_attempt_at", "created_at"],
        sa.select(recipient, locale, object_id, sa.literal(kind), sa.literal(""),
                  sa.literal(""), sa.literal(OutboxStatus.pending.name), sa.literal(0),
                  sa.literal(now, UTCDateTime), sa.literal(now, UTCDateTime)),
    )
    # No row count returned: psycopg reports -1 for INSERT ... SELECT through SQLAlchemy.
    db.session.execute(insert)


def recently_queued(kind: str, *, since: datetime) -> sa.Select:
    """The object ids of deferred mails of ``kind`` queued since ``since`` (a select)."""
    return sa.select(OutboxMessage.object_id).where(OutboxMessage.kind == kind,
                                                    OutboxMessage.created_at >= since)


def deferred_counts(kind: str, object_ids: sa.Select) -> dict[OutboxStatus, int]:
    """How the deferred mails of ``kind`` about ``object_ids`` stand (queued, sent, failed)."""
    return dict(db.session.execute(
        sa.select(OutboxMessage.status, sa.func.count())
        .where(OutboxMessage.kind == kind, OutboxMessage.object_id.in_(object_ids))
        .group_by(OutboxMessage.status)
    ).all())


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
    """Delete handled messages older than ``older_than``: mail holds personal data."""
    cutoff = utcnow() - older_than
    result = db.session.execute(
        sa.delete(OutboxMessage).where(
            OutboxMessage.status != OutboxStatus.pending,
            OutboxMessage.created_at < cutoff,
        )
    )
    return result.rowcount


def render_deferred(message: OutboxMessage) -> RenderedMail | None:
    """Render a deferred message with its kind's renderer, in the recipient's language."""
    renderer = current_app.extensions.get("mail_renderers", {}).get(message.kind)
    if renderer is None:
        raise LookupError(f"no renderer for outbox messages of kind {message.kind!r}")
    with force_locale(message.locale):
        rendered = renderer(message)
        if rendered is not None and message.sender_name is None:
            message.sender_name = gettext("Seoul Foreigner Portal")
    return rendered


def _text_part(text: str, subtype: str) -> MIMEText:
    return MIMEText(text, subtype, "utf-8")


def _file_part(attachment: Attachment) -> Message:
    maintype, subtype = attachment.content_type.split("/", 1)
    if maintype == "text":
        # Text (a calendar file) goes as UTF-8 text, so its names keep their script.
        part: Message = MIMEText(attachment.data.decode("utf-8"), subtype, "utf-8")
    else:
        part = MIMEBase(maintype, subtype)
        part.set_payload(attachment.data)
        encoders.encode_base64(part)
    return part


def build_email(message: OutboxMessage, rendered: RenderedMail | None = None) -> Message:
    """Turn an outbox row into a MIME message with text and HTML parts (and attachments).

    Built with the ``email.mime`` classes: a worker builds one a message, and the newer
    ``EmailMessage`` API costs twice the time for the same bytes (its header objects).
    """
    if rendered is None:
        rendered = RenderedMail(subject=message.subject, text=message.text, html=message.html)
    configured_name, address = parseaddr(current_app.config["MAIL_SENDER"])
    domain = address.rsplit("@", 1)[-1] or "localhost"
    body: Message = _text_part(rendered.text, "plain")
    if rendered.html:
        html: Message = _text_part(rendered.html, "html")
        inline = [a for a in rendered.attachments if a.content_id]
        if inline:
            # Images the HTML shows by cid: related parts of it, not separate files.
            html = MIMEMultipart("related", _subparts=[html])
            for attachment in inline:
                part = _file_part(attachment)
                part.add_header("Content-ID", f"<{attachment.content_id}>")
                part.add_header("Content-Disposition", "inline", filename=attachment.filename)
                html.attach(part)
        body = MIMEMultipart("alternative", _subparts=[body, html])
    files = [a for a in rendered.attachments if not (a.content_id and rendered.html)]
    if files:
        email: Message = MIMEMultipart("mixed", _subparts=[body])
        for attachment in files:
            part = _file_part(attachment)
            part.add_header("Content-Disposition", "attachment", filename=attachment.filename)
            email.attach(part)
    else:
        email = body
    email["From"] = formataddr((message.sender_name or configured_name, address),
                               charset="utf-8")
    email["To"] = message.recipient
    subject = rendered.subject
    email["Subject"] = (subject if subject.isascii()
                        else Header(subject, "utf-8", header_name="Subject").encode())
    email["Date"] = format_datetime(message.created_at)
    # A stable id lets a receiving server spot a message delivered twice after a crash: the
    # same on every attempt (make_msgid would add the time, the process and a random number).
    email["Message-ID"] = f"<outbox-{message.id}@{domain}>"
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
    dropped: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.failed + self.dropped


# Built once: a worker runs it for every message. Ordered by the due index alone: a bulk send
# queues thousands of rows with one next_attempt_at, and a tie-break on id made PostgreSQL
# sort all of them for each message (18 ms a claim at 30,000 rows, against 0.04 ms).
_CLAIM = (
    sa.select(OutboxMessage)
    .where(OutboxMessage.status == OutboxStatus.pending,
           OutboxMessage.next_attempt_at <= sa.bindparam("now"))
    .order_by(OutboxMessage.next_attempt_at)
    .limit(1)
    .with_for_update(skip_locked=True)
)
# The columns it sets are the keys of the parameters it is given.
_UPDATE = sa.update(OutboxMessage.__table__).where(
    OutboxMessage.__table__.c.id == sa.bindparam("message_id")
)


def _claim_next(now: datetime) -> OutboxMessage | None:
    """Lock the next due message; other workers skip it until this transaction ends."""
    message = db.session.scalars(_CLAIM, {"now": now}).first()
    if message is not None:
        # What becomes of it is written by one UPDATE (_record), not by the unit of work.
        db.session.expunge(message)
    return message


def _record(message: OutboxMessage, **values: Any) -> None:
    """Write what became of a claimed message and commit: the one transaction it had."""
    db.session.execute(_UPDATE, {"message_id": message.id, "attempts": message.attempts,
                                 "sender_name": message.sender_name, **values})
    db.session.commit()


def deliver_due(*, limit: int | None = None, backend=None) -> DeliveryReport:
    """Send due messages, one transaction each, so that every message is marked sent once.

    ``backend`` is an open backend to send through: a worker keeps one (and its SMTP
    connection) across rounds. Without it, one is opened for this round.
    """
    if backend is None:
        with get_backend() as backend:
            return deliver_due(limit=limit, backend=backend)
    report = DeliveryReport()
    limit = limit or current_app.config["OUTBOX_BATCH_SIZE"]
    max_attempts = current_app.config["OUTBOX_MAX_ATTEMPTS"]
    while report.handled < limit:
        now = utcnow()
        message = _claim_next(now)
        if message is None:
            db.session.rollback()
            break
        message.attempts += 1
        try:
            rendered = render_deferred(message) if message.kind else None
            if message.kind and rendered is None:
                _record(message, status=OutboxStatus.dropped)
                report.dropped += 1
                continue
            backend.send(build_email(message, rendered), message_id=message.id)
        except Exception as error:  # noqa: BLE001 - any failure is retried later
            last_error = f"{type(error).__name__}: {error}"[:2000]
            if message.attempts >= max_attempts:
                _record(message, status=OutboxStatus.failed, last_error=last_error)
                report.failed += 1
                log.error("outbox message %s failed for good: %s", message.id, error)
            else:
                _record(message, last_error=last_error,
                        next_attempt_at=now + retry_delay(message.attempts))
                report.retried += 1
                log.warning("outbox message %s will be retried: %s", message.id, error)
        else:
            _record(message, status=OutboxStatus.sent, sent_at=utcnow(), last_error=None)
            report.sent += 1
    return report
