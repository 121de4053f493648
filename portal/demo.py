"""Demonstration data: staff, residents and a contact directory covering every tier."""

import sqlalchemy as sa

from .accounts.models import CONSENT_VERSION, Affiliation, Consent, ConsentPurpose, Role, User
from .accounts.passwords import hash_password
from .contacts.models import Contact, Tier
from .extensions import db
from .models import utcnow

DEMO_PASSWORD = "seoul-demo-2026"  # noqa: S105 - printed in the README, demo data only
ADMIN_EMAIL = "admin@seoul.example"
STAFF_EMAIL = "staff@seoul.example"

# (name, email, locale, nationality, district, affiliation)
RESIDENTS = [
    ("Emily Carter", "emily.carter@example.com", "en", "US", "yongsan",
     Affiliation.foreign_student),
    ("王小明", "wang.xiaoming@example.cn", "zh", "CN", "guro", Affiliation.vocational_trainee),
    ("佐藤 美咲", "misaki.sato@example.jp", "ja", "JP", "mapo", Affiliation.foreign_journalist),
    ("Nguyễn Thị Lan", "lan.nguyen@example.vn", "vi", "VN", "geumcheon",
     Affiliation.multicultural_family),
    ("Trần Văn Hùng", "hung.tran@example.vn", "vi", "VN", "yeongdeungpo",
     Affiliation.vocational_trainee),
    ("李娜", "li.na@example.cn", "zh", "CN", "gwanak", Affiliation.foreign_student),
    ("Maria Santos", "maria.santos@example.ph", "en", "PH", "dongdaemun",
     Affiliation.multicultural_family),
    ("Aigerim Nurlanovna", "aigerim@example.kz", "en", "KZ", "seongdong",
     Affiliation.former_intern),
    ("田中 健", "ken.tanaka@example.jp", "ja", "JP", "seocho",
     Affiliation.finance_professional),
    ("Oliver Schmidt", "oliver.schmidt@example.de", "en", "DE", "jongno", Affiliation.diplomat),
    ("Batbayar Ganbold", "batbayar@example.mn", "en", "MN", "gwangjin",
     Affiliation.other),
    ("Phạm Minh Anh", "minhanh.pham@example.vn", "vi", "VN", "outside",
     Affiliation.foreign_student),
]

# (name, email, locale, nationality, organisation, title, tier, affiliation)
CONTACTS = [
    ("H.E. Jean-Luc Moreau", "jl.moreau@diplomatie.example.fr", "en", "FR",
     "Embassy of France", "Ambassador", Tier.global_leaders, Affiliation.diplomat),
    ("Mayor Ana Ribeiro", "mayor@lisboa.example.pt", "en", "PT", "City of Lisbon", "Mayor",
     Tier.global_leaders, Affiliation.foreign_mayor),
    ("Prof. David Okafor", "d.okafor@example.ng", "en", "NG", "University of Lagos",
     "Professor of Urban Policy", Tier.global_leaders, Affiliation.advisory_brain_group),
    ("James Whitfield", "j.whitfield@example.co.uk", "en", "GB", "Whitfield Capital", "Chairman",
     Tier.global_leaders, Affiliation.sibac_member),
    ("鈴木 一郎", "ichiro.suzuki@example.co.jp", "ja", "JP", "Suzuki Holdings", "CEO",
     Tier.global_leaders, Affiliation.fiac_member),
    ("Dr. Sarah Lindqvist", "s.lindqvist@example.se", "en", "SE", "Karolinska Institutet",
     "Researcher", Tier.global_leaders, Affiliation.honorary_citizen),
    ("陈伟", "chen.wei@beijing.example.cn", "zh", "CN", "Beijing Municipal Government",
     "Deputy Director", Tier.global_elite, Affiliation.foreign_city_official),
    ("Lucas Meyer", "lucas.meyer@example.ch", "en", "CH", "Zurich Private Bank", "Fund Manager",
     Tier.global_elite, Affiliation.finance_professional),
    ("Hoàng Thu Trang", "trang.hoang@example.vn", "vi", "VN", "VnExpress", "Seoul Correspondent",
     Tier.global_elite, Affiliation.foreign_journalist),
    ("Priya Raman", "priya.raman@example.in", "en", "IN", "Asia Policy Forum", "Columnist",
     Tier.global_elite, Affiliation.opinion_leader),
    ("山本 さくら", "sakura.yamamoto@example.ac.jp", "ja", "JP", "Yonsei University",
     "Exchange student", Tier.next_generation, Affiliation.foreign_student),
    ("Tomás García", "tomas.garcia@example.es", "en", "ES", "Seoul City Hall", "Former intern",
     Tier.next_generation, Affiliation.former_intern),
    ("Lê Quốc Bảo", "bao.le@example.vn", "vi", "VN", "Seoul Vocational Training Centre",
     "Trainee", Tier.next_generation, Affiliation.vocational_trainee),
    ("Nomvula Dlamini", "nomvula@example.za", "en", "ZA", None, None, Tier.unclassified,
     Affiliation.multicultural_family),
    ("Ahmed Hassan", "ahmed.hassan@example.eg", "en", "EG", None, None, Tier.unclassified,
     Affiliation.other),
    # Contacts whose address a demo resident registered with: linked below.
    ("Oliver Schmidt", "oliver.schmidt@example.de", "en", "DE", "Embassy of Germany",
     "First Secretary", Tier.global_leaders, Affiliation.diplomat),
    ("佐藤 美咲", "misaki.sato@example.jp", "ja", "JP", "NHK", "Correspondent",
     Tier.global_elite, Affiliation.foreign_journalist),
]


def seed() -> str:
    """Create the demo accounts and directory unless the demo admin exists already."""
    if db.session.scalar(sa.select(User.id).where(User.email == ADMIN_EMAIL)):
        return "demo data already present"
    now = utcnow()
    password_hash = hash_password(DEMO_PASSWORD)
    db.session.add_all(
        [
            User(name="관리자 김서연", email=ADMIN_EMAIL, password_hash=password_hash,
                 locale="ko", role=Role.admin, confirmed_at=now),
            User(name="박지훈", email=STAFF_EMAIL, password_hash=password_hash, locale="ko",
                 role=Role.staff, confirmed_at=now),
        ]
    )
    users = {}
    for index, (name, email, locale, nationality, district, affiliation) in enumerate(RESIDENTS):
        user = User(
            name=name, email=email, password_hash=password_hash, locale=locale,
            nationality=nationality, district=district, claimed_affiliation=affiliation,
            role=Role.resident,
            # One resident has not followed the confirmation link yet.
            confirmed_at=None if index == len(RESIDENTS) - 1 else now,
            consents=[Consent(purpose=p, version=CONSENT_VERSION, granted_at=now)
                      for p in (ConsentPurpose.account, ConsentPurpose.invitations)],
        )
        db.session.add(user)
        users[email] = user
    db.session.flush()
    for name, email, locale, nationality, organisation, title, tier, affiliation in CONTACTS:
        db.session.add(
            Contact(
                name=name, email=email, locale=locale, nationality=nationality,
                organisation=organisation, title=title, tier=tier, affiliation=affiliation,
                user_id=users[email].id if email in users else None,
            )
        )
    db.session.commit()
    return (
        f"created 2 staff accounts, {len(RESIDENTS)} residents and {len(CONTACTS)} contacts; "
        f"sign in as {ADMIN_EMAIL} or {STAFF_EMAIL} with password {DEMO_PASSWORD}"
    )
