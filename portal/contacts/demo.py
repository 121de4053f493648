"""Demo directory: contacts in every tier, two of them linked to demo residents' accounts."""

import sqlalchemy as sa

from ..accounts.models import Affiliation
from ..extensions import db
from .models import Contact, Tier
from .service import add_contact, ensure_standard_groups, groups, set_groups

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
    ("Bùi Văn Tú", "tu.bui@example.vn", "vi", "VN", "Hanil Precision", "Machine operator",
     Tier.unclassified, Affiliation.worker),
    ("Rosa Dela Cruz", "rosa.delacruz@example.ph", "en", "PH", None, None, Tier.unclassified,
     Affiliation.married_immigrant),
    ("Dilnoza Karimova", "dilnoza@example.uz", "en", "UZ", "Samarkand Kitchen", "Owner",
     Tier.unclassified, Affiliation.business_owner),
    # Contacts whose address a demo resident registered with: linked to the account.
    ("Oliver Schmidt", "oliver.schmidt@example.de", "en", "DE", "Embassy of Germany",
     "First Secretary", Tier.global_leaders, Affiliation.diplomat),
    ("佐藤 美咲", "misaki.sato@example.jp", "ja", "JP", "NHK", "Correspondent",
     Tier.global_elite, Affiliation.foreign_journalist),
]


# Demo contacts in the city's standing groups, by address.
GROUPS = {
    "d.okafor@example.ng": ["advisors_housing", "research_forum"],
    "j.whitfield@example.co.uk": ["sibac"],
    "ichiro.suzuki@example.co.jp": ["fiac"],
    "s.lindqvist@example.se": ["honorary_citizens", "advisors_medical"],
    "mayor@lisboa.example.pt": ["research_forum"],
    "chen.wei@beijing.example.cn": ["advisors_transport"],
    "priya.raman@example.in": ["advisors_education"],
}


def seed() -> str | None:
    """Fill the directory through the contact services, once."""
    ensure_standard_groups()
    if db.session.scalar(sa.select(sa.func.count()).select_from(Contact)):
        return None
    codes = {group.code: group.id for group in groups()}
    for name, email, locale, nationality, organisation, title, tier, affiliation in CONTACTS:
        contact = add_contact(name=name, email=email, locale=locale, nationality=nationality,
                              organisation=organisation, title=title, tier=tier,
                              affiliation=affiliation, by=None)
        if email in GROUPS:
            set_groups(contact, [codes[code] for code in GROUPS[email]], by=None)
    return f"{len(CONTACTS)} contacts"
