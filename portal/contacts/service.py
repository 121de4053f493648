"""Contact rules: linking accounts to contacts and classifying people into tiers."""

from typing import Any

import sqlalchemy as sa

from ..accounts import signals
from ..accounts.models import Affiliation, User
from ..extensions import db
from ..models import audit
from .models import Contact, Tier


def contact_for_user(user: User) -> Contact | None:
    return db.session.scalar(sa.select(Contact).where(Contact.user_id == user.id))


@signals.user_registered.connect
def link_contact_on_registration(user: User, **_: Any) -> None:
    """Registering with a contact's email links the account to that contact."""
    contact = db.session.scalar(
        sa.select(Contact).where(Contact.email == user.email, Contact.user_id.is_(None))
    )
    if contact is not None:
        contact.user_id = user.id


@signals.account_deleting.connect
def unlink_contact_on_deletion(user: User, **_: Any) -> None:
    """A deleted account leaves the contact record (the city's relationship) without a login."""
    contact = contact_for_user(user)
    if contact is not None:
        contact.user_id = None


@signals.data_export.connect
def export_contact(user: User, *, data: dict[str, Any], **_: Any) -> None:
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
        "district": contact.district,
    }


def _snapshot(contact: Contact) -> dict[str, Any]:
    return {
        "tier": contact.tier.name,
        "affiliation": contact.affiliation.name if contact.affiliation else None,
    }


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
            before={**before, "user_id": user.id},
            after={**after, "user_id": user.id},
        )
    return contact


def tier_of(user: User) -> Tier:
    contact = contact_for_user(user)
    return contact.tier if contact else Tier.unclassified
