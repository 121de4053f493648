"""The outbox: mail written with the change, delivered by workers exactly once."""

import email
from datetime import timedelta
from email import policy

import sqlalchemy as sa
from click.testing import CliRunner

from portal.columns import utcnow
from portal.extensions import db
from portal.mail.models import OutboxMessage, OutboxStatus
from portal.mail.service import deliver_due, retry_delay
from tests.support.http import submit


def queue(n=1, **values):
    for i in range(n):
        db.session.add(
            OutboxMessage(
                recipient=values.get("recipient", f"r{i}@example.org"),
                locale=values.get("locale", "en"),
                subject=values.get("subject", f"Subject {i}"),
                text=values.get("text", "Body text"),
                html=values.get("html", "<p>Body text</p>"),
            )
        )
    db.session.commit()


def test_mail_rolls_back_with_the_change_that_caused_it(app, outbox):
    from portal.accounts.models import User
    from portal.accounts.signin import request_password_reset
    from tests.fixtures.accounts import _hash

    db.session.add(User(name="A", email="a@example.org", password_hash=_hash("x")))
    db.session.commit()
    with app.test_request_context("/en/"):
        request_password_reset("a@example.org")
        assert len(outbox("a@example.org")) == 1
        db.session.rollback()
    assert outbox("a@example.org") == []


def test_deliver_sends_text_and_html_through_smtp(app, smtp_server):
    queue(recipient="lan@example.vn", locale="vi", subject="Xác nhận địa chỉ email",
          text="Xin chào Lan", html="<p>Xin chào Lan</p>")
    report = deliver_due()
    assert report.sent == 1
    [received] = smtp_server.received
    assert received["To"] == "lan@example.vn"
    parsed = email.message_from_bytes(received.as_bytes(), policy=policy.default)
    assert parsed["Subject"] == "Xác nhận địa chỉ email"
    assert parsed["Content-Language"] == "vi"
    assert parsed.get_body(("plain",)).get_content().strip() == "Xin chào Lan"
    assert "<p>Xin chào Lan</p>" in parsed.get_body(("html",)).get_content()
    message = db.session.scalar(sa.select(OutboxMessage))
    assert message.status is OutboxStatus.sent and message.sent_at is not None
    assert message.attempts == 1


def test_sent_mail_is_never_sent_again(app, smtp_server):
    queue(3)
    assert deliver_due().sent == 3
    assert deliver_due().sent == 0
    assert len(smtp_server.received) == 3


def test_a_smtp_failure_is_retried_later_with_backoff(app, smtp_server):
    queue(1)
    smtp_server.fail_next = 1
    before = utcnow()
    report = deliver_due()
    assert (report.sent, report.retried) == (0, 1)
    message = db.session.scalar(sa.select(OutboxMessage))
    assert message.status is OutboxStatus.pending
    assert message.next_attempt_at >= before + timedelta(seconds=30)
    assert "451" in message.last_error
    assert deliver_due().handled == 0  # not due yet
    message.next_attempt_at = utcnow()
    db.session.commit()
    assert deliver_due().sent == 1
    assert len(smtp_server.received) == 1


def test_an_unreachable_server_is_retried(app, smtp_server):
    queue(1)
    app.config["MAIL_PORT"] = 1  # nothing listens there
    assert deliver_due().retried == 1


def test_mail_fails_for_good_after_the_last_attempt(app, smtp_server, monkeypatch):
    monkeypatch.setitem(app.config, "OUTBOX_MAX_ATTEMPTS", 2)
    queue(1)
    for _ in range(2):
        smtp_server.fail_next = 1
        db.session.execute(sa.update(OutboxMessage).values(next_attempt_at=utcnow()))
        db.session.commit()
        deliver_due()
    message = db.session.scalar(sa.select(OutboxMessage))
    assert message.status is OutboxStatus.failed
    assert message.attempts == 2


def test_backoff_grows_and_is_capped():
    assert retry_delay(1) == timedelta(seconds=30)
    assert retry_delay(2) == timedelta(seconds=60)
    assert retry_delay(3) == timedelta(seconds=120)
    assert retry_delay(30) == timedelta(hours=6)


def test_file_backend_writes_eml_files(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "file")
    monkeypatch.setitem(app.config, "MAIL_FILE_DIR", str(tmp_path))
    queue(2)
    assert deliver_due().sent == 2
    files = sorted(tmp_path.glob("*.eml"))
    assert len(files) == 2
    parsed = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert parsed["Subject"] == "Subject 0"


def test_the_deliver_command_sends_everything_due_once(app, smtp_server):
    queue(25)
    result = CliRunner().invoke(app.cli, ["outbox", "deliver", "--once", "--batch", "10"])
    assert result.exit_code == 0, result.output
    assert "delivered 25 message(s)" in result.output
    assert len(smtp_server.received) == 25


def test_registration_mail_reaches_the_smtp_server(app, client, smtp_server):
    submit(
        client, "/zh/register",
        {"name": "王小明", "email": "wang@example.cn", "nationality": "CN", "locale": "zh",
         "district": "guro", "password": "river-lantern-47", "password_again": "river-lantern-47",
         "consent_account": "y"},
    )
    deliver_due()
    [received] = smtp_server.received
    parsed = email.message_from_bytes(received.as_bytes(), policy=policy.default)
    assert parsed["To"] == "wang@example.cn"
    assert "/zh/confirm/" in parsed.get_body(("plain",)).get_content()


def test_prune_deletes_old_sent_and_failed_mail_only(app):
    queue(4)
    rows = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
    long_ago = utcnow() - timedelta(days=31)
    rows[0].status, rows[0].created_at = OutboxStatus.sent, long_ago
    rows[1].status, rows[1].created_at = OutboxStatus.failed, long_ago
    rows[2].created_at = long_ago  # still pending: never lost
    rows[3].status = OutboxStatus.sent  # recent
    db.session.commit()
    result = CliRunner().invoke(app.cli, ["outbox", "prune", "--days", "30"])
    assert "deleted 2 message(s)" in result.output
    remaining = db.session.scalars(sa.select(OutboxMessage.id).order_by(OutboxMessage.id)).all()
    assert remaining == [rows[2].id, rows[3].id]


def _render_greeting(message):
    """A renderer as a domain registers one: None when its object is gone."""
    from flask_babel import gettext

    from portal.mail.service import Attachment, RenderedMail

    if message.object_id == 404:
        return None
    return RenderedMail(
        subject=gettext("Welcome"), text=f"object {message.object_id}",
        html=f'<p>object {message.object_id}</p><img src="cid:code-{message.object_id}">',
        attachments=[
            Attachment("event.ics", "text/calendar", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"),
            Attachment("code.png", "image/png", b"\x89PNG-not-really",
                       content_id=f"code-{message.object_id}"),
        ],
    )


def test_deferred_mail_is_queued_in_one_statement_and_rendered_at_delivery(
    app, smtp_server, count_queries
):
    from portal.mail.service import queue_deferred_from, register_renderer

    register_renderer(app, "test.greeting", _render_greeting)
    rows = sa.union_all(*(
        sa.select(sa.literal(f"p{i}@example.org"), sa.literal(locale), sa.literal(i))
        for i, locale in ((1, "ko"), (2, "ja"), (404, "en"))
    ))
    with count_queries() as queries:
        queue_deferred_from(sa.select(rows.subquery()), kind="test.greeting")
    assert len(queries) == 1
    db.session.commit()
    queued = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [m.text for m in queued] == ["", "", ""]  # nothing rendered in the request
    report = deliver_due()
    assert (report.sent, report.dropped) == (2, 1)
    by_recipient = {m["To"]: email.message_from_bytes(m.as_bytes(), policy=policy.default)
                    for m in smtp_server.received}
    assert set(by_recipient) == {"p1@example.org", "p2@example.org"}
    korean = by_recipient["p1@example.org"]
    assert korean["Subject"] == "환영합니다"  # rendered in the recipient's language
    assert korean["Content-Language"] == "ko"
    assert korean.get_body(("plain",)).get_content().strip() == "object 1"
    [calendar] = [part for part in korean.iter_attachments()
                  if part.get_content_type() == "text/calendar"]
    assert calendar.get_filename() == "event.ics"
    # The image is a related part of the HTML, found by the cid the HTML names.
    [image] = [part for part in korean.walk() if part.get_content_type() == "image/png"]
    assert image["Content-ID"] == "<code-1>"
    dropped = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.object_id == 404))
    assert dropped.status is OutboxStatus.dropped


def test_a_deferred_mail_without_a_renderer_is_retried_not_lost(app, smtp_server):
    from portal.mail.service import queue_deferred

    queue_deferred(to="x@example.org", locale="en", kind="test.unknown", object_id=1)
    db.session.commit()
    assert deliver_due().retried == 1
    assert smtp_server.received == []
