"""The contact directory: everyone the city works with, with or without an account."""

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from ..accounts.models import Affiliation, User
from ..extensions import db
from ..models import UTCDateTime, enum_column, utcnow


class Tier(enum.Enum):
    """Set by staff only; sets triage priority. Ordered from the highest rank."""

    global_leaders = "global_leaders"
    global_elite = "global_elite"
    next_generation = "next_generation"
    unclassified = "unclassified"

    @property
    def rank(self) -> int:
        return list(Tier).index(self)


TIER_LABELS = {
    Tier.global_leaders: _l("Global Leaders"),
    Tier.global_elite: _l("Global Elite"),
    Tier.next_generation: _l("Next Generation Leaders"),
    Tier.unclassified: _l("Unclassified"),
}

# Which affiliations belong to which tier (DESIGN.md); staff may still set any pair.
TIER_AFFILIATIONS = {
    Tier.global_leaders: (
        Affiliation.diplomat,
        Affiliation.foreign_mayor,
        Affiliation.advisory_brain_group,
        Affiliation.sibac_member,
        Affiliation.fiac_member,
        Affiliation.honorary_citizen,
    ),
    Tier.global_elite: (
        Affiliation.foreign_city_official,
        Affiliation.finance_professional,
        Affiliation.foreign_journalist,
        Affiliation.opinion_leader,
    ),
    Tier.next_generation: (
        Affiliation.foreign_student,
        Affiliation.former_intern,
        Affiliation.vocational_trainee,
    ),
    Tier.unclassified: (Affiliation.multicultural_family, Affiliation.other),
}


class Contact(db.Model):
    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    email: Mapped[str | None] = mapped_column(sa.String(320), unique=True)
    locale: Mapped[str] = mapped_column(sa.String(8), default="en")
    nationality: Mapped[str | None] = mapped_column(sa.String(2), index=True)
    organisation: Mapped[str | None] = mapped_column(sa.String(200))
    title: Mapped[str | None] = mapped_column(sa.String(200))
    tier: Mapped[Tier] = enum_column(Tier, default=Tier.unclassified, index=True)
    affiliation: Mapped[Affiliation | None] = enum_column(Affiliation, index=True)
    district: Mapped[str | None] = mapped_column(sa.String(32))
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    # The backref gives ``user.contact`` without the accounts domain importing this one.
    user: Mapped[User | None] = relationship(backref=backref("contact", uselist=False))
