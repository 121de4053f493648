"""The invitation mail of the outbox benchmark, and a worker that renders it at delivery.

    .venv/bin/python bench/outbox_worker.py [--once] [--batch N] [--interval S]

The portal configured from the environment (as ``flask outbox deliver`` is: DATABASE_URL,
MAIL_BACKEND, MAIL_SERVER, MAIL_PORT ...), plus a renderer for the benchmark's deferred
``bench.invitation`` rows, then the same loop as the command (``portal.mail.cli.run_worker``).
The renderer stands in for the events domain's: an invitation in five languages, a ~2 KB text
part, a ~4 KB HTML part and a calendar entry (.ics). Unlike the real one it reads nothing from
the database; everything it says follows from the row's object id and locale.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

KIND = "bench.invitation"
LOCALES = ("en", "ko", "zh", "ja", "vi")
GUESTS = {
    "en": ["Emily Carter", "James O'Neill", "Sophie Martin"],
    "ko": ["김서연", "이준호", "박지민"],
    "zh": ["王小明", "李静", "陈伟"],
    "ja": ["佐藤美咲", "鈴木健太", "高橋愛"],
    "vi": ["Nguyễn Thị Lan", "Trần Văn Minh", "Phạm Thu Hà"],
}
SUBJECT = {
    "en": "Invitation: Seoul Global Residents' Forum 2027",
    "ko": "초대장: 2027 서울 글로벌 주민 포럼",
    "zh": "邀请函：2027首尔全球居民论坛",
    "ja": "ご招待：ソウル・グローバル住民フォーラム2027",
    "vi": "Thư mời: Diễn đàn Cư dân Toàn cầu Seoul 2027",
}
GREETING = {"en": "Dear {name},", "ko": "{name}님께,", "zh": "尊敬的{name}：",
            "ja": "{name}様", "vi": "Kính gửi {name},"}
# One paragraph of the invitation; the text part repeats the programme to about 2 KB.
PARAGRAPH = {
    "en": "The Seoul Metropolitan Government is pleased to invite you to the Seoul Global "
          "Residents' Forum, where foreign residents, city officials and experts discuss "
          "housing, work, education and daily life in Seoul. Session {n}: questions from "
          "residents, answered by the departments in charge, with interpretation.",
    "ko": "서울특별시는 외국인 주민과 시 공무원, 전문가가 서울의 주거, 일자리, 교육과 일상생활에 "
          "대해 함께 이야기하는 서울 글로벌 주민 포럼에 귀하를 초대합니다. 세션 {n}: 주민 질문과 "
          "담당 부서의 답변이 통역과 함께 진행됩니다.",
    "zh": "首尔特别市诚挚邀请您参加首尔全球居民论坛。外国居民、市政府官员和专家将共同探讨首尔的"
          "住房、就业、教育和日常生活。第{n}场：居民提问，由主管部门回答，并提供翻译。",
    "ja": "ソウル特別市は、外国人住民、市職員、専門家がソウルの住まい、仕事、教育、日々の暮らしに"
          "ついて話し合うソウル・グローバル住民フォーラムにご招待いたします。第{n}部：住民の"
          "質問に担当部署が通訳付きでお答えします。",
    "vi": "Chính quyền Thành phố Seoul trân trọng kính mời quý vị tham dự Diễn đàn Cư dân Toàn "
          "cầu Seoul, nơi cư dân nước ngoài, cán bộ thành phố và chuyên gia thảo luận về nhà ở, "
          "việc làm, giáo dục và cuộc sống hằng ngày tại Seoul. Phiên {n}: câu hỏi của cư dân, "
          "được các sở phụ trách trả lời, có phiên dịch.",
}
CLOSING = {"en": "Reply through the portal: {link}", "ko": "포털에서 회신해 주십시오: {link}",
           "zh": "请通过门户网站回复：{link}", "ja": "ポータルからご返信ください：{link}",
           "vi": "Vui lòng trả lời qua cổng thông tin: {link}"}
HTML_HEAD = (
    '<!DOCTYPE html><html lang="{locale}"><head><meta charset="utf-8"><title>{subject}'
    '</title></head><body style="margin:0;padding:0;background:#f4f5f7;font-family:'
    "'Noto Sans','Noto Sans KR','Noto Sans SC','Noto Sans JP',Arial,sans-serif;color:#1b1f24\">"
    '<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td '
    'align="center"><table role="presentation" width="600" cellpadding="0" cellspacing="0" '
    'style="background:#ffffff;border:1px solid #d9dde3;border-radius:8px">'
    '<tr><td style="padding:24px 32px;background:#0b4ea2;color:#ffffff;font-size:20px">'
    "{subject}</td></tr>"
)
HTML_PARAGRAPH = ('<tr><td style="padding:8px 32px;font-size:15px;line-height:1.6">'
                  "{text}</td></tr>")
HTML_FOOT = (
    '<tr><td style="padding:24px 32px"><a href="{link}" style="display:inline-block;'
    'padding:12px 20px;background:#0b4ea2;color:#ffffff;border-radius:6px;text-decoration:'
    'none">{closing}</a></td></tr><tr><td style="padding:16px 32px;font-size:12px;color:'
    '#5b6470;border-top:1px solid #d9dde3">Seoul Metropolitan Government, 110 Sejong-daero, '
    "Jung-gu, Seoul 04524</td></tr></table></td></tr></table></body></html>"
)


def invitation(object_id: int, locale: str):
    """The invitation about ``object_id`` in ``locale``: subject, text, HTML and .ics."""
    from portal.mail.service import Attachment, RenderedMail

    name = GUESTS[locale][object_id % 3]
    link = f"https://foreigners.seoul.go.kr/{locale}/events/forum-2027/reply/{object_id:08d}"
    paragraphs = [PARAGRAPH[locale].format(n=n) for n in range(1, 100)]
    text_parts, size = [GREETING[locale].format(name=name)], 0
    for paragraph in paragraphs:
        text_parts.append(paragraph)
        size += len(paragraph)
        if size >= 1800:
            break
    text_parts.append(CLOSING[locale].format(link=link))
    text = "\n\n".join(text_parts) + "\n"
    html_parts = [HTML_HEAD.format(locale=locale, subject=SUBJECT[locale])]
    for paragraph in text_parts[:-1]:
        html_parts.append(HTML_PARAGRAPH.format(text=paragraph))
        if sum(map(len, html_parts)) >= 3400:
            break
    html_parts.append(HTML_FOOT.format(link=link, closing=CLOSING[locale].format(link="")))
    return RenderedMail(subject=SUBJECT[locale], text=text, html="".join(html_parts),
                        attachments=[Attachment("invitation.ics", "text/calendar",
                                                calendar(object_id, locale))])


def calendar(object_id: int, locale: str) -> bytes:
    """An iCalendar request for the forum (RFC 5545, written by hand: no icalendar package)."""
    start = datetime(2027, 3, 20, 5, 0, tzinfo=UTC) + timedelta(days=object_id % 3)
    stamp = "%Y%m%dT%H%M%SZ"
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Seoul Foreigner Portal//Events//EN",
        "METHOD:REQUEST", "BEGIN:VEVENT", f"UID:forum-2027-{object_id}@portal.seoul.test",
        f"DTSTAMP:{datetime(2027, 1, 5, tzinfo=UTC):{stamp}}", f"DTSTART:{start:{stamp}}",
        f"DTEND:{start + timedelta(hours=3):{stamp}}", f"SUMMARY:{SUBJECT[locale]}",
        "LOCATION:Seoul City Hall\\, Multipurpose Hall\\, 110 Sejong-daero",
        "ORGANIZER;CN=Seoul Metropolitan Government:mailto:events@portal.seoul.test",
        f"ATTENDEE;RSVP=TRUE;LANGUAGE={locale}:mailto:guest{object_id}@example.org",
        "END:VEVENT", "END:VCALENDAR",
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


def render_invitation(message):
    """The renderer the events domain would register for its invitations."""
    return invitation(message.object_id, message.locale)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--once", action="store_true")
    parser.add_argument("--batch", type=int)
    parser.add_argument("--interval", type=float, default=5.0)
    args = parser.parse_args()

    from portal import create_app
    from portal.mail.cli import run_worker
    from portal.mail.service import register_renderer

    app = create_app()
    register_renderer(app, KIND, render_invitation)
    with app.app_context():
        run_worker(once=args.once, interval=args.interval, batch=args.batch)
    return 0


if __name__ == "__main__":
    sys.exit(main())
