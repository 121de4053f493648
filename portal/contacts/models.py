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


class NameOrder(LabelledEnum):
    """How a person's name is written: protocol and mail merge follow it."""

    given_first = _l("Given name first")
    family_first = _l("Family name first")


class Contact(db.Model):
    """A person the city works with: the CRM record, linked to at most one account."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    email: Mapped[str | None] = mapped_column(sa.String(320), unique=True)
    locale: Mapped[str] = mapped_column(sa.String(8), default="en", index=True)
    nationality: Mapped[str | None] = mapped_column(sa.String(2), index=True)
    # What protocol needs: "H.E.", "Dr."; the name in the person's own script and in Latin
    # letters; which part comes first.
    honorific: Mapped[str | None] = mapped_column(sa.String(40))
    name_native: Mapped[str | None] = mapped_column(sa.String(120))
    name_latin: Mapped[str | None] = mapped_column(sa.String(120))
    name_order: Mapped[NameOrder | None] = enum_column(NameOrder)
    organisation: Mapped[str | None] = mapped_column(sa.String(200))
    # The position held in the organisation ("Ambassador", "Deputy Director").
    title: Mapped[str | None] = mapped_column(sa.String(200))
    tier: Mapped[Tier] = enum_column(Tier, default=Tier.unclassified, index=True)
    affiliation: Mapped[Affiliation | None] = enum_column(Affiliation, index=True)
    district: Mapped[District | None] = enum_column(District, index=True)
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
    contact.search_text = search_text_of(contact.name, contact.email, contact.organisation,
                                         contact.name_native, contact.name_latin)


def search_text_of(*parts: str | None) -> str:
    """A contact's names, address and organisation folded for search (bulk imports use it)."""
    return fold(" ".join(part for part in parts if part))[:700]


class Group(db.Model):
    """A named set of contacts: an advisory group, a council, or one staff made."""

    __tablename__ = "contact_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    # Name per UI language; English is the fallback.
    names: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class GroupMember(db.Model):
    """A contact's place in a group."""

    __tablename__ = "contact_group_members"

    group_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contact_groups.id", ondelete="CASCADE"), primary_key=True
    )
    contact_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ContactTag(db.Model):
    """A free label staff put on a contact ("G20 delegation", "speaker 2026")."""

    __tablename__ = "contact_tags"

    contact_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(sa.String(60), primary_key=True, index=True)
