"""Accounts: people who sign in, their server-side sessions and their consents."""

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import UTCDateTime, enum_column, utcnow


class Role(enum.Enum):
    resident = "resident"
    staff = "staff"
    admin = "admin"


ROLE_LABELS = {
    Role.resident: _l("Resident"),
    Role.staff: _l("Staff"),
    Role.admin: _l("Administrator"),
}


class Affiliation(enum.Enum):
    """What a person is to the city; residents may claim one, staff confirm it on the contact."""

    diplomat = "diplomat"
    foreign_mayor = "foreign_mayor"
    advisory_brain_group = "advisory_brain_group"
    sibac_member = "sibac_member"
    fiac_member = "fiac_member"
    honorary_citizen = "honorary_citizen"
    foreign_city_official = "foreign_city_official"
    finance_professional = "finance_professional"
    foreign_journalist = "foreign_journalist"
    opinion_leader = "opinion_leader"
    foreign_student = "foreign_student"
    former_intern = "former_intern"
    vocational_trainee = "vocational_trainee"
    multicultural_family = "multicultural_family"
    other = "other"


AFFILIATION_LABELS = {
    Affiliation.diplomat: _l("Foreign diplomat"),
    Affiliation.foreign_mayor: _l("Mayor of a foreign city"),
    Affiliation.advisory_brain_group: _l("Advisory brain group member"),
    Affiliation.sibac_member: _l("SIBAC member (Seoul International Business Advisory Council)"),
    Affiliation.fiac_member: _l("FIAC member (Foreign Investment Advisory Council)"),
    Affiliation.honorary_citizen: _l("Honorary citizen of Seoul"),
    Affiliation.foreign_city_official: _l("Civil servant of a foreign city"),
    Affiliation.finance_professional: _l("Finance professional"),
    Affiliation.foreign_journalist: _l("Foreign journalist"),
    Affiliation.opinion_leader: _l("Opinion leader"),
    Affiliation.foreign_student: _l("Foreign student in Seoul"),
    Affiliation.former_intern: _l("Former Seoul City Hall intern"),
    Affiliation.vocational_trainee: _l("Foreign vocational trainee"),
    Affiliation.multicultural_family: _l("Member of a multicultural family"),
    Affiliation.other: _l("Other"),
}


class ConsentPurpose(enum.Enum):
    """Purposes for which the city keeps a resident's data."""

    account = "account"  # run the account and answer the person's reports
    invitations = "invitations"  # invite the person to events, forums and meetings
    research = "research"  # study reports, without names, to improve city policy


CONSENT_LABELS = {
    ConsentPurpose.account: _l(
        "I agree that Seoul Metropolitan Government keeps the data I give here to run my account "
        "and to answer my reports and applications."
    ),
    ConsentPurpose.invitations: _l(
        "I would like to receive invitations to events, forums and meetings by email."
    ),
    ConsentPurpose.research: _l(
        "The city may use my reports, without my name, to study and improve its policies."
    ),
}
CONSENT_VERSION = "2026-11"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    name: Mapped[str] = mapped_column(sa.String(120))
    locale: Mapped[str] = mapped_column(sa.String(8), default="en")
    nationality: Mapped[str | None] = mapped_column(sa.String(2))
    district: Mapped[str | None] = mapped_column(sa.String(32))
    claimed_affiliation: Mapped[Affiliation | None] = enum_column(Affiliation)
    role: Mapped[Role] = enum_column(Role, default=Role.resident, index=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    consents: Mapped[list["Consent"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="Consent.id"
    )

    # The server-side session this object was loaded through (see accounts.sessions).
    session_token = None

    def get_id(self) -> str | None:
        return self.session_token

    @property
    def is_active(self) -> bool:
        return self.deleted_at is None

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.staff, Role.admin)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.admin

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role.name}>"


class Consent(db.Model):
    """One purpose a person agreed to, with the wording version and when."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[ConsentPurpose] = enum_column(ConsentPurpose)
    version: Mapped[str] = mapped_column(sa.String(16))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="consents")


class AuthSession(db.Model):
    """A signed-in browser. The cookie holds a random token; the database holds its hash.

    Signing out revokes the row, so a copied cookie stops working.
    """

    __tablename__ = "auth_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    remember: Mapped[bool] = mapped_column(default=False)

    user: Mapped[User] = relationship()
