"""Put mail in the outbox, in the recipient's language, and deliver what is due."""

import io
import logging
import os
import secrets
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import encoders
from email.generator import BytesGenerator
from email.header import Header
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.policy import Compat32
from email.utils import format_datetime, formataddr, parseaddr
from functools import lru_cache
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


class _Policy(Compat32):
    """``compat32``, writing a short, printable ASCII header value as it is.

    ``compat32`` passes every header through ``email.header.Header`` to fold it, which cost a
    worker more than the rest of the message; such a value comes out of it unchanged (compared
    on random values in ``tests/mail/test_claims.py``).
    """

    def _fold(self, name, value, sanitize):
        if (isinstance(value, str) and len(name) + len(value) + 2 <= self.max_line_length
                and value.isascii() and value.isprintable()):
            return f"{name}: {value}{self.linesep}"
        return super()._fold(name, value, sanitize)


_POLICY = _Policy()
_WIRE = _POLICY.clone(linesep="\r\n")


def message_bytes(email: Message) -> bytes:
    """The message as it goes on the wire (CRLF line ends, as SMTP and ``.eml`` files want)."""
    buffer = io.BytesIO()
    BytesGenerator(buffer, mangle_from_=False, policy=_WIRE).flatten(email)
    return buffer.getvalue()


def _text_part(text: str, subtype: str) -> Message:
    """UTF-8 text in base64: the bytes ``MIMEText`` makes, encoded by ``base64.encodebytes``
    (C) instead of ``email.base64mime`` (a Python loop over every line)."""
    part = MIMENonMultipart("text", subtype, policy=_POLICY, charset="utf-8")
    part.set_payload(text.encode("utf-8"))
    encoders.encode_base64(part)
    return part


def _multipart(subtype: str, parts: list[Message]) -> MIMEMultipart:
    """A multipart with a boundary of its own choosing. Every leaf part is base64, which can
    hold no ``=_``: without one given, the generator searches every part for a random boundary
    with a regular expression compiled anew for each message."""
    return MIMEMultipart(subtype, boundary=f"=_{secrets.token_hex(12)}", _subparts=parts,
                         policy=_POLICY)


@lru_cache(maxsize=8)
def _sender(configured: str) -> tuple[str, str]:
    """MAIL_SENDER's display name and address, parsed once."""
    return parseaddr(configured)


def _file_part(attachment: Attachment) -> Message:
    maintype, subtype = attachment.content_type.split("/", 1)
    if maintype == "text":
        # Text (a calendar file) goes as UTF-8 text, so its names keep their script.
        part: Message = _text_part(attachment.data.decode("utf-8"), subtype)
    else:
        part = MIMEBase(maintype, subtype, policy=_POLICY)
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
    configured_name, address = _sender(current_app.config["MAIL_SENDER"])
    domain = address.rsplit("@", 1)[-1] or "localhost"
    body: Message = _text_part(rendered.text, "plain")
    if rendered.html:
        html: Message = _text_part(rendered.html, "html")
        inline = [a for a in rendered.attachments if a.content_id]
        if inline:
            # Images the HTML shows by cid: related parts of it, not separate files.
            html = _multipart("related", [html])
            for attachment in inline:
                part = _file_part(attachment)
                part.add_header("Content-ID", f"<{attachment.content_id}>")
                part.add_header("Content-Disposition", "inline", filename=attachment.filename)
                html.attach(part)
        body = _multipart("alternative", [body, html])
    files = [a for a in rendered.attachments if not (a.content_id and rendered.html)]
    if files:
        email: Message = _multipart("mixed", [body])
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


_TABLE = OutboxMessage.__table__
# Built once: a worker runs them for every round and every message. The claim takes the
# longest-due messages no other worker holds, ordered by the due index alone (a bulk send
# queues thousands of rows with one next_attempt_at, and a tie-break on id made PostgreSQL sort
# all of them). ``SKIP LOCKED`` lets workers claim at the same moment on PostgreSQL; SQLite's
# writers take turns.
_CLAIM = (
    _TABLE.update()
    .where(_TABLE.c.id.in_(
        sa.select(_TABLE.c.id)
        .where(_TABLE.c.status == OutboxStatus.pending,
               _TABLE.c.next_attempt_at <= sa.bindparam("now"),
               sa.or_(_TABLE.c.claimed_until.is_(None),
                      _TABLE.c.claimed_until <= sa.bindparam("now")))
        .order_by(_TABLE.c.next_attempt_at)
        .limit(sa.bindparam("limit"))
        .with_for_update(skip_locked=True)
        .scalar_subquery()))
    .values(claimed_by=sa.bindparam("token"), claimed_until=sa.bindparam("until"))
    .returning(*_TABLE.c)
)
# The columns it sets are the keys of the parameters it is given.
_UPDATE = _TABLE.update().where(_TABLE.c.id == sa.bindparam("message_id"))
_RELEASE = (
    _TABLE.update()
    .where(_TABLE.c.id.in_(sa.bindparam("ids", expanding=True)),
           _TABLE.c.claimed_by == sa.bindparam("token"))
    .values(claimed_by=None, claimed_until=None)
)


@contextmanager
def _worker_connection() -> Iterator[sa.Connection]:
    """A connection of the worker's own, apart from the session the renderers read through.

    On PostgreSQL it runs each statement on its own (autocommit): recording a message is one
    round trip, where the session's transactions cost four (check-out, BEGIN, UPDATE,
    COMMIT). A session bound to a connection (the tests' outer transaction) lends it.
    """
    bind = db.session.get_bind(mapper=OutboxMessage.__mapper__)
    if isinstance(bind, sa.Connection):
        yield bind
        return
    with bind.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        yield connection


def _run(connection: sa.Connection, statement, params) -> sa.CursorResult:
    """One statement in a transaction of its own (a savepoint inside a lent connection's)."""
    with connection.begin_nested() if connection.in_transaction() else connection.begin():
        return connection.execute(statement, params)


def _claim(connection: sa.Connection, *, limit: int, token: str, lease: timedelta
           ) -> list[OutboxMessage]:
    """Claim up to ``limit`` due messages for ``lease``, longest due first."""
    now = utcnow()
    with connection.begin_nested() if connection.in_transaction() else connection.begin():
        rows = connection.execute(_CLAIM, {"now": now, "limit": limit, "token": token,
                                           "until": now + lease}).all()
    # Plain objects for the renderers, in no session: a round's outcomes are written by
    # _record, one UPDATE each, not by the unit of work.
    messages = [OutboxMessage(**row._asdict()) for row in rows]
    messages.sort(key=lambda m: (m.next_attempt_at, m.id))
    return messages


def _record(connection: sa.Connection, message: OutboxMessage, **values: Any) -> None:
    """Write what became of a claimed message, at once: it is sent, so it stays sent."""
    _run(connection, _UPDATE, {"message_id": message.id, "attempts": message.attempts,
                               "sender_name": message.sender_name, "claimed_by": None,
                               "claimed_until": None, **values})


def _worker_token() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"


def deliver_due(*, limit: int | None = None, backend=None) -> DeliveryReport:
    """Claim a round of due messages and send them, recording each one as it goes.

    The round is claimed in one statement for ``OUTBOX_LEASE_SECONDS``; the messages are then
    rendered and sent with no transaction open (SQLite's write lock is not held while the SMTP
    server answers), and each outcome is written as soon as it is known. A worker killed
    halfway leaves one message that may have gone out unrecorded (sent again later, under the
    same Message-ID) and its other unsent claims, which another worker takes when the lease
    lapses. No message is started in the second half of the lease, so a slow server cannot
    make a message outlive its claim.

    ``backend`` is an open backend to send through: a worker keeps one (and its SMTP
    connection) across rounds. Without it, one is opened for this round.
    """
    if backend is None:
        with get_backend() as backend:
            return deliver_due(limit=limit, backend=backend)
    config = current_app.config
    report = DeliveryReport()
    limit = limit or config["OUTBOX_BATCH_SIZE"]
    max_attempts = config["OUTBOX_MAX_ATTEMPTS"]
    lease = timedelta(seconds=config["OUTBOX_LEASE_SECONDS"])
    sender = _sender(config["MAIL_SENDER"])[1]
    token = _worker_token()
    with _worker_connection() as connection:
        messages = _claim(connection, limit=limit, token=token, lease=lease)
        stop_at = time.monotonic() + lease.total_seconds() / 2
        left = {message.id for message in messages}
        try:
            for message in messages:
                if time.monotonic() > stop_at:
                    break
                # From here its fate is its own: an error that ends the round now may come
                # after the server took it, so it stays claimed until the lease lapses.
                left.discard(message.id)
                _deliver(connection, message, backend, report, max_attempts=max_attempts,
                         sender=sender)
        finally:
            if left:  # given back at once: none of these was begun
                _run(connection, _RELEASE, {"ids": sorted(left), "token": token})
    return report


def _deliver(connection: sa.Connection, message: OutboxMessage, backend,
             report: DeliveryReport, *, max_attempts: int, sender: str) -> None:
    message.attempts += 1
    try:
        rendered = None
        if message.kind:
            try:
                rendered = render_deferred(message)
            except Exception:
                db.session.rollback()  # a failed query must not spoil the next message's
                raise
            # End the renderer's read transaction: the next message is read afresh.
            db.session.commit()
            if rendered is None:
                _record(connection, message, status=OutboxStatus.dropped)
                report.dropped += 1
                return
        backend.send(message_bytes(build_email(message, rendered)), sender=sender,
                     recipient=message.recipient, message_id=message.id)
    except Exception as error:  # noqa: BLE001 - any failure is retried later
        last_error = f"{type(error).__name__}: {error}"[:2000]
        if message.attempts >= max_attempts:
            _record(connection, message, status=OutboxStatus.failed, last_error=last_error)
            report.failed += 1
            log.error("outbox message %s failed for good: %s", message.id, error)
        else:
            _record(connection, message, last_error=last_error,
                    next_attempt_at=utcnow() + retry_delay(message.attempts))
            report.retried += 1
            log.warning("outbox message %s will be retried: %s", message.id, error)
    else:
        _record(connection, message, status=OutboxStatus.sent, sent_at=utcnow(),
                last_error=None)
        report.sent += 1
