"""Demo accounts: an administrator, a staff member and residents in every UI language."""

from ..districts import District
from .models import Affiliation, ConsentPurpose
from .service import create_staff, find_user_by_email
from .signin import confirm_email, register_resident
from .tokens import make_confirm_token

DEMO_PASSWORD = "seoul-demo-2026"  # noqa: S105 - printed in the README, demo data only
ADMIN_EMAIL = "admin@seoul.example"
STAFF_EMAIL = "staff@seoul.example"

# (name, email, locale, nationality, district, affiliation)
RESIDENTS = [
    ("Emily Carter", "emily.carter@example.com", "en", "US", District.yongsan,
     Affiliation.foreign_student),
    ("王小明", "wang.xiaoming@example.cn", "zh", "CN", District.guro,
     Affiliation.vocational_trainee),
    ("佐藤 美咲", "misaki.sato@example.jp", "ja", "JP", District.mapo,
     Affiliation.foreign_journalist),
    ("Nguyễn Thị Lan", "lan.nguyen@example.vn", "vi", "VN", District.geumcheon,
     Affiliation.multicultural_family),
    ("Trần Văn Hùng", "hung.tran@example.vn", "vi", "VN", District.yeongdeungpo,
     Affiliation.worker),
    ("李娜", "li.na@example.cn", "zh", "CN", District.gwanak, Affiliation.foreign_student),
    ("Maria Santos", "maria.santos@example.ph", "en", "PH", District.dongdaemun,
     Affiliation.married_immigrant),
    ("Aigerim Nurlanovna", "aigerim@example.kz", "en", "KZ", District.seongdong,
     Affiliation.former_intern),
    ("田中 健", "ken.tanaka@example.jp", "ja", "JP", District.seocho,
     Affiliation.finance_professional),
    ("Oliver Schmidt", "oliver.schmidt@example.de", "en", "DE", District.jongno,
     Affiliation.diplomat),
    ("Batbayar Ganbold", "batbayar@example.mn", "en", "MN", District.gwangjin,
     Affiliation.other),
    # The last resident has not followed the confirmation link yet.
    ("Phạm Minh Anh", "minhanh.pham@example.vn", "vi", "VN", District.outside,
     Affiliation.foreign_student),
]


def seed() -> str | None:
    """Create the demo staff and residents through the account services, once."""
    if find_user_by_email(ADMIN_EMAIL) is not None:
        return None
    create_staff(name="관리자 김서연", email=ADMIN_EMAIL, password=DEMO_PASSWORD, admin=True,
                 by=None)
    create_staff(name="박지훈", email=STAFF_EMAIL, password=DEMO_PASSWORD, admin=False, by=None)
    for index, (name, email, locale, nationality, district, affiliation) in enumerate(RESIDENTS):
        user = register_resident(
            name=name, email=email, password=DEMO_PASSWORD, locale=locale,
            nationality=nationality, district=district, claimed_affiliation=affiliation,
            consents=[ConsentPurpose.account, ConsentPurpose.invitations],
        )
        if index < len(RESIDENTS) - 1:
            confirm_email(make_confirm_token(user))
    return (
        f"2 staff accounts and {len(RESIDENTS)} residents; sign in as {ADMIN_EMAIL} or "
        f"{STAFF_EMAIL} with password {DEMO_PASSWORD}"
    )
