"""Composing a mail fast without changing a byte of what the email package would write."""

import email
import random
import string
from email import policy
from email.mime.text import MIMEText
from email.policy import compat32

from portal.mail import service
from portal.mail.models import OutboxMessage
from portal.mail.service import Attachment, RenderedMail, build_email, message_bytes

TEXTS = ["", "Hello", "서울 외국인 포털\n" * 300, "Xin chào " * 1000, "a\r\nb\n", "末尾\n\n",
         "x" * 10_000, "ご招待：ソウル・グローバル住民フォーラム2027"]


def test_the_policy_folds_like_compat32():
    """The worker's policy writes short ASCII headers itself: exactly as compat32 would."""
    generator = random.Random(5)
    alphabet = string.ascii_letters + string.digits + " \t<>@.,;:\"'()=?_-/  "
    values = ["text/plain; charset=\"utf-8\"", "<outbox-1@portal.seoul.test>", "  leading",
              "trailing  ", "a  b", "=?utf-8?b?7ISc7Jq4?=", "", " ", "x" * 80, "tab\there",
              "line\nbreak", "서울", "Thu, 26 Nov 2026 07:00:00 +0000"]
    values += ["".join(generator.choice(alphabet) for _ in range(generator.randint(0, 75)))
               for _ in range(20_000)]
    for name in ("Subject", "Content-Type", "X"):
        for value in values:
            assert service._POLICY._fold(name, value, True) == compat32._fold(name, value, True)


def test_a_text_part_is_the_bytes_mimetext_makes():
    for text in TEXTS:
        for subtype in ("plain", "html", "calendar"):
            assert (service._text_part(text, subtype).as_bytes()
                    == MIMEText(text, subtype, "utf-8").as_bytes())


def test_every_part_comes_back_whole_from_a_composed_mail(app):
    message = OutboxMessage(id=7, recipient="p@example.org", locale="ko", sender_name="포털",
                            subject="", text="")
    from portal.columns import utcnow

    message.created_at = utcnow()
    png = bytes(range(256)) * 40
    rendered = RenderedMail(
        subject="초대장: 2027 서울 글로벌 주민 포럼", text=TEXTS[2], html="<p>" + TEXTS[3] + "</p>",
        attachments=[Attachment("event.ics", "text/calendar", "SUMMARY:포럼\r\n".encode()),
                     Attachment("code.png", "image/png", png, content_id="code")])
    data = message_bytes(build_email(message, rendered))
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")  # CRLF throughout
    parsed = email.message_from_bytes(data, policy=policy.default)
    assert parsed["Subject"] == rendered.subject
    assert parsed["Message-ID"] == "<outbox-7@portal.seoul.test>"
    assert parsed.get_body(("plain",)).get_content() == rendered.text
    assert parsed.get_body(("html",)).get_content() == rendered.html
    [image] = [p for p in parsed.walk() if p.get_content_type() == "image/png"]
    assert image.get_content() == png and image["Content-ID"] == "<code>"
    [calendar] = [p for p in parsed.iter_attachments()
                  if p.get_content_type() == "text/calendar"]
    assert calendar.get_content() == "SUMMARY:포럼\r\n"
    boundaries = [p.get_boundary() for p in parsed.walk() if p.is_multipart()]
    assert len(boundaries) == len(set(boundaries)) == 3  # mixed, alternative, related
