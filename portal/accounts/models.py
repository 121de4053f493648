"""Accounts: people who sign in, their server-side sessions and their consents."""

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..columns import UTCDateTime, enum_column, utcnow
from ..districts import District
from ..enums import LabelledEnum
from ..extensions import db
from ..pages import PRIVACY_NOTICE_VERSION
from ..search import fold


class Role(LabelledEnum):
    resident = _l("Resident")
    staff = _l("Staff")
    admin = _l("Administrator")


class Affiliation(LabelledEnum):
    """What a person is to the city; residents may claim one, staff confirm it on the contact.

    The first ones are the city's partner groups (DESIGN.md's tiers); the last ones are what
    most residents are.
    """

    diplomat = _l("Foreign diplomat")
    foreign_mayor = _l("Mayor of a foreign city")
    advisory_brain_group = _l("Advisory brain group member")
    sibac_member = _l("SIBAC member (Seoul International Business Advisory Council)")
    fiac_member = _l("FIAC member (Foreign Investment Advisory Council)")
    honorary_citizen = _l("Honorary citizen of Seoul")
    foreign_city_official = _l("Civil servant of a foreign city")
    finance_professional = _l("Finance professional")
    foreign_journalist = _l("Foreign journalist")
    opinion_leader = _l("Opinion leader")
    foreign_student = _l("Foreign student in Seoul")
    former_intern = _l("Former Seoul City Hall intern")
    vocational_trainee = _l("Foreign vocational trainee")
    multicultural_family = _l("Member of a multicultural family")
    worker = _l("Employee or worker")
    married_immigrant = _l("Married immigrant")
    business_owner = _l("Business owner or self-employed")
    other = _l("Other")


# What most residents are, offered first when they describe themselves.
EVERYDAY_AFFILIATIONS = (
    Affiliation.worker,
    Affiliation.foreign_student,
    Affiliation.married_immigrant,
    Affiliation.multicultural_family,
    Affiliation.business_owner,
    Affiliation.other,
)
PARTNER_AFFILIATIONS = tuple(a for a in Affiliation if a not in EVERYDAY_AFFILIATIONS)


class ConsentPurpose(LabelledEnum):
    """Purposes for which the city keeps a resident's data; the label is the consent text."""

    # Run the account and answer the person's reports.
    account = _l(
        "I agree that Seoul Metropolitan Government keeps the data I give here to run my account "
        "and to answer my reports and applications."
    )
    # Invite the person to events, forums and meetings.
    invitations = _l(
        "I would like to receive invitations to events, forums and meetings by email."
    )
    # Study reports, without names, to improve city policy.
    research = _l(
        "The city may use my reports, without my name, to study and improve its policies."
    )


CONSENT_VERSION = PRIVACY_NOTICE_VERSION


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    name: Mapped[str] = mapped_column(sa.String(120))
    locale: Mapped[str] = mapped_column(sa.String(8), default="en")
    nationality: Mapped[str | None] = mapped_column(sa.String(2))
    district: Mapped[District | None] = enum_column(District)
    claimed_affiliation: Mapped[Affiliation | None] = enum_column(Affiliation)
    role: Mapped[Role] = enum_column(Role, default=Role.resident, index=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A staff account an administrator switched off: it cannot sign in until switched back on.
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Name and address folded for search (no accents, no case), kept in step on every write.
    search_text: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")

    consents: Mapped[list["Consent"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="Consent.id"
    )

    # The server-side session this object was loaded through (see accounts.sessions).
    session_token = None

    def get_id(self) -> str | None:
        return self.session_token

    @property
    def is_active(self) -> bool:
        return self.deleted_at is None and self.deactivated_at is None

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


@sa.event.listens_for(User, "before_insert")
@sa.event.listens_for(User, "before_update")
def _fold_for_search(mapper, connection, user: User) -> None:
    user.search_text = fold(f"{user.name} {user.email}")[:500]


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
    # What the browser called itself at sign-in, so the person can tell their sessions apart.
    user_agent: Mapped[str | None] = mapped_column(sa.String(255))

    user: Mapped[User] = relationship()
