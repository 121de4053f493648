"""Demo events and invitations: public and invitation-only events with answers of every kind."""

from datetime import timedelta

import sqlalchemy as sa

from ..accounts.demo import STAFF_EMAIL
from ..accounts.service import find_user_by_email
from ..columns import utcnow
from ..contacts.models import Contact, Tier
from ..extensions import db
from . import service
from .models import Answer, AnswerChannel, Event, EventKind, Invitation


def _texts(en, ko, zh, ja, vi) -> dict[str, str]:
    return {"en": en, "ko": ko, "zh": zh, "ja": ja, "vi": vi}


# (kind, titles, descriptions, days from now, hours long, venue, online, capacity,
#  companions, public, reserved places per tier)
EVENTS = [
    (EventKind.cultural,
     _texts("Lantern Festival evening for foreign residents",
            "외국인 주민과 함께하는 등불축제의 밤",
            "外籍居民灯会之夜", "外国人住民のための灯籠祭りの夕べ",
            "Đêm hội đèn lồng dành cho cư dân nước ngoài"),
     _texts("A guided walk along the Cheonggyecheon lanterns, with interpreters in five "
            "languages.", "통역사와 함께 청계천 등불을 따라 걷는 안내 산책입니다.",
            "沿清溪川灯笼的导览散步，配有五种语言的口译。",
            "清渓川の灯籠に沿って、5か国語の通訳付きでご案内します。",
            "Đi bộ có hướng dẫn dọc theo đèn lồng suối Cheonggyecheon, có phiên dịch năm "
            "thứ tiếng."),
     14, 3, "Cheonggye Plaza, Jung-gu", None, 200, True, True, {}),
    (EventKind.advisory_meeting,
     _texts("Global Policy Group of Advisors: housing session", "글로벌 정책자문단 주택 분과 회의",
            "全球政策咨询团住房分组会议", "グローバル政策諮問団 住宅分科会",
            "Nhóm Cố vấn Chính sách Toàn cầu: phiên họp về nhà ở"),
     _texts("Advisors review the draft guide to renting a home in Seoul.",
            "자문위원이 서울 주택 임차 안내서 초안을 검토합니다.",
            "咨询委员审阅首尔租房指南草案。",
            "諮問委員がソウル住宅賃貸ガイドの草案を検討します。",
            "Các cố vấn xem xét dự thảo hướng dẫn thuê nhà tại Seoul."),
     7, 2, "Seoul City Hall, Conference Room 3", None, 3, False, False, {}),
    (EventKind.international,
     _texts("Reception for the International Mayors Forum", "국제 도시 시장 포럼 환영 만찬",
            "国际市长论坛欢迎晚宴", "国際市長フォーラム歓迎レセプション",
            "Tiệc chiêu đãi Diễn đàn Thị trưởng Quốc tế"),
     _texts("The Mayor of Seoul welcomes the forum's guests.",
            "서울특별시장이 포럼 참석자를 환영합니다.", "首尔市长欢迎论坛来宾。",
            "ソウル市長がフォーラムの参加者を歓迎します。",
            "Thị trưởng Seoul chào đón các khách mời của diễn đàn."),
     21, 3, "Seoul City Hall, Multipurpose Hall", None, 50, True, False,
     {Tier.global_leaders: 10}),
    (EventKind.policy_forum,
     _texts("Foreign residents' policy forum: finding a home", "외국인 주민 정책 포럼: 집 구하기",
            "外籍居民政策论坛：找房子", "外国人住民政策フォーラム：住まい探し",
            "Diễn đàn chính sách cho cư dân nước ngoài: tìm nhà"),
     _texts("Tell the city what makes renting hard. Interpretation is provided.",
            "임차의 어려움을 서울시에 알려 주세요. 통역이 제공됩니다.",
            "请告诉市政府租房有哪些困难。现场提供口译。",
            "賃貸の困りごとを市にお聞かせください。通訳があります。",
            "Hãy cho thành phố biết những khó khăn khi thuê nhà. Có phiên dịch."),
     30, 2, "Seoul Global Center, 3rd floor", "https://meet.example.org/seoul-forum", 80,
     False, True, {}),
]


def seed() -> str | None:
    """Add the demo events and their invitations through the event services, once."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(Event)):
        return None
    staff = find_user_by_email(STAFF_EMAIL)
    if staff is None:
        return None
    start_of_day = utcnow().replace(hour=10, minute=0, second=0, microsecond=0)
    events = []
    for (kind, titles, descriptions, days, hours, venue, online, capacity, companions,
         public, reserved) in EVENTS:
        starts = start_of_day + timedelta(days=days)
        events.append(service.save_event(
            None, by=staff, reservations=reserved, kind=kind, titles=titles,
            descriptions=descriptions, starts_at=starts, ends_at=starts + timedelta(hours=hours),
            venue=venue, online_url=online, capacity=capacity, companions_allowed=companions,
            rsvp_deadline=starts - timedelta(days=2), public=public, offer_hours=48,
        ))
    festival, advisors, reception, forum = events
    everyone = service.Audience.from_filters({"tier": [tier.name for tier in Tier]})
    leaders = service.Audience.from_filters({"tier": ["global_leaders"]})
    invited = service.send_invitations(festival, everyone, by=staff)
    invited += service.send_invitations(advisors, leaders, by=staff)
    invited += service.send_invitations(reception, service.Audience.from_filters(
        {"tier": ["global_leaders", "global_elite"]}), by=staff)
    invited += service.send_invitations(forum, service.Audience.from_filters(
        {"tier": ["next_generation", "unclassified"]}), by=staff)
    db.session.flush()
    _answer_some(festival, [Answer.yes, Answer.yes, Answer.no, Answer.maybe])
    # Three places: three yes fill them, the next two wait in order.
    _answer_some(advisors, [Answer.yes, Answer.yes, Answer.yes, Answer.yes, Answer.yes,
                            Answer.no])
    _answer_some(reception, [Answer.yes, Answer.maybe, Answer.no, Answer.yes])
    _answer_some(forum, [Answer.yes, Answer.no])
    return f"{len(events)} events, {invited} invitations"


def _answer_some(event: Event, answers: list[Answer]) -> None:
    """Answer the first invitations of ``event`` (by name) with ``answers``; the rest wait."""
    invitations = db.session.scalars(
        sa.select(Invitation).join(Contact, Contact.id == Invitation.contact_id)
        .where(Invitation.event_id == event.id).order_by(Contact.name)
    ).all()
    channels = [AnswerChannel.link, AnswerChannel.inbox, AnswerChannel.link]
    for index, (invitation, answer) in enumerate(zip(invitations, answers, strict=False)):
        service.answer(invitation, answer, via=channels[index % len(channels)],
                       listed=index % 2 == 0)
