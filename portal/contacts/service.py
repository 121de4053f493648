"""Contact rules: the directory, linking accounts to contacts, classifying people into tiers."""

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from ..accounts.models import Affiliation, User
from ..accounts.privacy import DataSection
from ..accounts.service import find_user_by_email
from ..addresses import normalise_email
from ..audit import audit
from ..districts import District
from ..extensions import db
from ..i18n import country_name
from ..search import contains
from .models import Contact, Tier
from .signals import contact_classified


def contact_for_user(user: User) -> Contact | None:
    return db.session.scalar(sa.select(Contact).where(Contact.user_id == user.id))


def contacts_for_users(user_ids: Iterable[int]) -> dict[int, Contact]:
    """The contacts linked to these accounts, by account id, in one query."""
    ids = set(user_ids)
    if not ids:
        return {}
    return {
        contact.user_id: contact
        for contact in db.session.scalars(sa.select(Contact).where(Contact.user_id.in_(ids)))
    }


def contact_names(ids: set[int]) -> dict[int, str]:
    """Contacts' names by id, in one query."""
    if not ids:
        return {}
    return dict(db.session.execute(
        sa.select(Contact.id, Contact.name).where(Contact.id.in_(ids))
    ).all())


def classified_user_ids(tier: Tier) -> sa.Select:
    """The ids of accounts whose contact has ``tier`` (not unclassified)."""
    return sa.select(Contact.user_id).where(Contact.tier == tier, Contact.user_id.is_not(None))


def classified_user_ids_except(tier: Tier) -> sa.Select:
    """The ids of accounts whose contact has any tier but ``tier``."""
    return sa.select(Contact.user_id).where(Contact.tier != tier, Contact.user_id.is_not(None))


def directory(*, q: str | None = None, tier: Tier | None = None) -> sa.Select:
    """The contact directory by name, narrowed by a search text and a tier."""
    stmt = sa.select(Contact).order_by(Contact.name, Contact.id)
    if q:
        stmt = stmt.where(contains(q, Contact.search_text))
    if tier is not None:
        stmt = stmt.where(Contact.tier == tier)
    return stmt


def tier_counts() -> dict[Tier, int]:
    """How many contacts each tier holds (every tier, zero included)."""
    counts = dict(
        db.session.execute(sa.select(Contact.tier, sa.func.count()).group_by(Contact.tier)).all()
    )
    return {tier: counts.get(tier, 0) for tier in Tier}


def add_contact(
    *, name: str, email: str | None, locale: str = "en", nationality: str | None = None,
    organisation: str | None = None, title: str | None = None, tier: Tier = Tier.unclassified,
    affiliation: Affiliation | None = None, district: District | None = None, by: User | None,
) -> Contact:
    """Add a person to the directory, linked to the account registered with their address."""
    email = normalise_email(email) if email else None
    user = find_user_by_email(email) if email else None
    contact = Contact(
        name=name.strip(), email=email, locale=locale, nationality=nationality,
        organisation=organisation, title=title, tier=tier, affiliation=affiliation,
        district=district, user_id=user.id if user is not None else None,
    )
    db.session.add(contact)
    db.session.flush()
    audit("contact.create", actor=by, obj_type="contact", obj_id=contact.id,
          after={**_snapshot(contact), "user_id": contact.user_id})
    return contact


def link_contact_on_registration(user: User, **extra: Any) -> None:
    """Registering with a contact's email links the account to that contact."""
    contact = db.session.scalar(
        sa.select(Contact).where(Contact.email == user.email, Contact.user_id.is_(None))
    )
    if contact is not None:
        contact.user_id = user.id


def unlink_contact_on_deletion(user: User, **extra: Any) -> None:
    """A deleted account leaves the contact record (the city's relationship) without a login."""
    contact = contact_for_user(user)
    if contact is not None:
        contact.user_id = None


def export_contact(user: User, *, data: dict[str, Any], **extra: Any) -> None:
    """Add the person's contact record to their data export."""
    contact = contact_for_user(user)
    if contact is None:
        return
    data["contact"] = {
        "name": contact.name,
        "email": contact.email,
        "organisation": contact.organisation,
        "title": contact.title,
        "tier": contact.tier.name,
        "affiliation": contact.affiliation.name if contact.affiliation else None,
        "nationality": contact.nationality,
        "district": contact.district.name if contact.district else None,
    }


def show_contact(user: User, *, sections: list, **extra: Any) -> None:
    """Show the person their record in the city's contact directory."""
    contact = contact_for_user(user)
    if contact is None:
        return
    sections.append(DataSection(_("Your record in the city's contact directory"), [
        (_("Name"), contact.name),
        (_("Email address"), contact.email or "—"),
        (_("Organisation"), contact.organisation or "—"),
        (_("Title"), contact.title or "—"),
        (_("Tier"), str(contact.tier.label)),
        (_("Affiliation"), str(contact.affiliation.label) if contact.affiliation else "—"),
        (_("Nationality"), country_name(contact.nationality) or "—"),
        (_("District"), str(contact.district.label) if contact.district else "—"),
    ]))


def _snapshot(contact: Contact) -> dict[str, Any]:
    return {
        "tier": contact.tier.name,
        "affiliation": contact.affiliation.name if contact.affiliation else None,
    }


def tier_of_user(user_id: int) -> Tier:
    """The tier of the person with this account (unclassified without a contact)."""
    tier = db.session.scalar(sa.select(Contact.tier).where(Contact.user_id == user_id))
    return tier or Tier.unclassified


def get_contact_or_404(contact_id: int) -> Contact:
    """The contact with this id, or a 404."""
    return db.get_or_404(Contact, contact_id)


def classify_contact(
    contact: Contact, *, tier: Tier, affiliation: Affiliation | None, by: User
) -> Contact:
    """Set a contact's tier and affiliation, audited with the values before and after."""
    before = _snapshot(contact)
    contact.tier = tier
    contact.affiliation = affiliation
    after = _snapshot(contact)
    if before != after:
        audit(
            "contact.classify",
            actor=by,
            obj_type="contact",
            obj_id=contact.id,
            before={**before, "user_id": contact.user_id},
            after={**after, "user_id": contact.user_id},
        )
        contact_classified.send(contact)
    return contact


def classify_user(
    user: User, *, tier: Tier, affiliation: Affiliation | None, by: User
) -> Contact:
    """Set a user's tier and affiliation on their contact (created if missing), audited."""
    contact = contact_for_user(user)
    if contact is None:
        contact = db.session.scalar(
            sa.select(Contact).where(Contact.email == user.email, Contact.user_id.is_(None))
        )
        if contact is None:
            contact = Contact(
                name=user.name,
                email=user.email,
                locale=user.locale,
                nationality=user.nationality,
                district=user.district,
                tier=Tier.unclassified,
                affiliation=user.claimed_affiliation,
            )
            db.session.add(contact)
        contact.user_id = user.id
        db.session.flush()
    return classify_contact(contact, tier=tier, affiliation=affiliation, by=by)
