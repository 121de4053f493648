"""The contact directory: everyone the city works with, with or without an account."""

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from ..accounts.models import Affiliation, User
from ..columns import UTCDateTime, enum_column, utcnow
from ..districts import District
from ..enums import LabelledEnum
from ..extensions import db
from ..search import fold


class Tier(LabelledEnum):
    """Set by staff only; sets triage priority. Ordered from the highest."""

    global_leaders = _l("Global Leaders")
    global_elite = _l("Global Elite")
    next_generation = _l("Next Generation Leaders")
    unclassified = _l("Unclassified")


class Contact(db.Model):
    """A person the city works with: the CRM record, linked to at most one account."""

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
    district: Mapped[District | None] = enum_column(District)
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Name, address and organisation folded for search, kept in step on every write.
    search_text: Mapped[str] = mapped_column(sa.String(700), default="", server_default="")

    # The backref gives ``user.contact`` without the accounts domain importing this one.
    user: Mapped[User | None] = relationship(backref=backref("contact", uselist=False))


@sa.event.listens_for(Contact, "before_insert")
@sa.event.listens_for(Contact, "before_update")
def _fold_for_search(mapper, connection, contact: Contact) -> None:
    contact.search_text = fold(
        " ".join(part for part in (contact.name, contact.email, contact.organisation) if part)
    )[:700]
