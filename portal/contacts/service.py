"""Contact rules: the directory, linking accounts to contacts, classifying people into tiers."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from ..accounts.models import Affiliation, User
from ..accounts.privacy import DataSection
from ..accounts.service import find_user_by_email
from ..addresses import normalise_email
from ..audit import audit
from ..districts import District
from ..errors import ValidationError
from ..extensions import db
from ..i18n import country_name, localized
from ..search import contains
from .groups import STANDARD_GROUPS
from .models import Contact, ContactTag, Group, GroupMember, Tier
from .signals import contact_classified, contact_page


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


def directory(*, q: str | None = None, tier: Tier | None = None,
              affiliation: Affiliation | None = None, group_id: int | None = None,
              nationality: str | None = None, locale: str | None = None,
              district: District | None = None, tag: str | None = None,
              has_account: bool | None = None) -> sa.Select:
    """The contact directory by name, narrowed by filters that combine."""
    stmt = sa.select(Contact).order_by(Contact.name, Contact.id)
    if q:
        stmt = stmt.where(contains(q, Contact.search_text))
    if tier is not None:
        stmt = stmt.where(Contact.tier == tier)
    if affiliation is not None:
        stmt = stmt.where(Contact.affiliation == affiliation)
    if group_id is not None:
        stmt = stmt.where(Contact.id.in_(
            sa.select(GroupMember.contact_id).where(GroupMember.group_id == group_id)))
    if nationality:
        stmt = stmt.where(Contact.nationality == nationality)
    if locale:
        stmt = stmt.where(Contact.locale == locale)
    if district is not None:
        stmt = stmt.where(Contact.district == district)
    if tag:
        stmt = stmt.where(Contact.id.in_(
            sa.select(ContactTag.contact_id).where(ContactTag.tag == normalise_tag(tag))))
    if has_account is not None:
        stmt = stmt.where(Contact.user_id.is_not(None) if has_account
                          else Contact.user_id.is_(None))
    return stmt


def normalise_tag(tag: str) -> str:
    """A tag as stored: trimmed, single spaces, lower case (tags are matched exactly)."""
    return " ".join(tag.split()).casefold()[:60]


def groups() -> list[Group]:
    """Every group, by code."""
    return list(db.session.scalars(sa.select(Group).order_by(Group.code)))


def groups_of(contact: Contact) -> list[Group]:
    return list(db.session.scalars(
        sa.select(Group).join(GroupMember, GroupMember.group_id == Group.id)
        .where(GroupMember.contact_id == contact.id).order_by(Group.code)))


def tags_of(contact: Contact) -> list[str]:
    return list(db.session.scalars(
        sa.select(ContactTag.tag).where(ContactTag.contact_id == contact.id)
        .order_by(ContactTag.tag)))


def set_groups(contact: Contact, group_ids: Iterable[int], *, by: User | None) -> None:
    """Put a contact in exactly these groups, audited with the groups before and after."""
    before = sorted(g.id for g in groups_of(contact))
    after = sorted(set(group_ids))
    if before == after:
        return
    db.session.execute(sa.delete(GroupMember).where(GroupMember.contact_id == contact.id))
    for group_id in after:
        db.session.add(GroupMember(group_id=group_id, contact_id=contact.id))
    audit("contact.groups", actor=by, obj_type="contact", obj_id=contact.id,
          before={"groups": before}, after={"groups": after})


def set_tags(contact: Contact, tags: Iterable[str]) -> None:
    """Give a contact exactly these tags."""
    wanted = sorted({normalise_tag(tag) for tag in tags if tag.strip()})
    db.session.execute(sa.delete(ContactTag).where(ContactTag.contact_id == contact.id))
    for tag in wanted:
        db.session.add(ContactTag(contact_id=contact.id, tag=tag))


def update_details(contact: Contact, *, by: User | None, **values: Any) -> None:
    """Change a contact's names, protocol details, organisation and preferences, audited."""
    fields = ("name", "honorific", "name_native", "name_latin", "name_order", "email",
              "organisation", "title", "nationality", "locale", "district")
    before = {}
    after = {}
    for name in fields:
        if name not in values:
            continue
        new = values[name]
        if name == "email":
            new = normalise_email(new) if new else None
            if new and new != contact.email and db.session.scalar(
                    sa.select(Contact.id).where(Contact.email == new)):
                raise ValidationError("email", _("Another contact has this address."))
        if isinstance(new, str):
            new = new.strip() or None
        old = getattr(contact, name)
        if new != old:
            before[name] = old.name if hasattr(old, "name") and old is not None else old
            after[name] = new.name if hasattr(new, "name") and new is not None else new
            setattr(contact, name, new)
    if after:
        audit("contact.update", actor=by, obj_type="contact", obj_id=contact.id,
              before=before, after=after)


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


# -- Groups -----------------------------------------------------------------------------------


def ensure_standard_groups() -> int:
    """Add the city's standing groups that are missing (the migration adds them too)."""
    present = set(db.session.scalars(sa.select(Group.code)))
    added = 0
    for code, names in STANDARD_GROUPS:
        if code not in present:
            db.session.add(Group(code=code, names=names))
            added += 1
    db.session.flush()
    return added


def get_group_or_404(group_id: int) -> Group:
    return db.get_or_404(Group, group_id)


def group_sizes() -> dict[int, int]:
    """How many contacts each group holds, in one query."""
    return dict(db.session.execute(
        sa.select(GroupMember.group_id, sa.func.count()).group_by(GroupMember.group_id)).all())


def save_group(group: Group | None, *, by: User, code: str, names: dict[str, str]) -> Group:
    """Add a group, or rename one; its code is unique."""
    taken = db.session.scalar(sa.select(Group.id).where(Group.code == code))
    if taken is not None and (group is None or taken != group.id):
        raise ValidationError("code", _("Another group has this code."))
    created = group is None
    group = group or Group()
    before = None if created else {"code": group.code, "names": group.names}
    group.code, group.names = code, names
    db.session.add(group)
    db.session.flush()
    audit("group.create" if created else "group.update", actor=by, obj_type="group",
          obj_id=group.id, before=before, after={"code": code, "names": names})
    return group


def group_names(ids: set[int]) -> dict[int, str]:
    """Groups as the audit log names them, in one query."""
    if not ids:
        return {}
    return {g.id: localized(g.names) for g in db.session.scalars(
        sa.select(Group).where(Group.id.in_(ids)))}


@dataclass(frozen=True)
class ContactSection:
    """A part of a contact's page that a higher domain fills (``template`` with ``context``)."""

    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100


def contact_sections(contact: Contact) -> list[ContactSection]:
    """What higher domains show on a contact's page (their reports, invitations...)."""
    sections: list[ContactSection] = []
    contact_page.send(contact, sections=sections)
    return sorted(sections, key=lambda section: section.order)
