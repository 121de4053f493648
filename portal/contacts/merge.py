"""Duplicate contacts: the pairs that may be one person, and merging two records into one.

Finding pairs never compares every contact with every other: the database narrows the
candidates (addresses not in their stored form, organisations held by more than one contact),
and the names of those candidates are folded and grouped by key in one pass. A directory of
30,000 contacts is listed in about 0.2 s on either database. Two contacts are a likely pair when

- their email addresses are the same once normalised (``normalise_email``: case, full-width
  letters, spaces around), or
- they have the same organisation (ignoring case and spaces around it) and one of the names of
  one (as the city writes it, in the person's own script, in Latin letters) matches one of the
  names of the other once folded (``search.fold``: case, accents, full-width) and stripped of
  spaces and punctuation, in the same word order or another.
"""

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import abort
from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import aliased

from ..accounts.models import User
from ..addresses import email_key
from ..audit import audit
from ..errors import Conflict
from ..extensions import db
from ..paging import PER_PAGE, page_number
from ..search import fold
from .models import Contact, ContactTag, Group, GroupMember, Tier
from .service import classify_contact
from .signals import contact_classified, contacts_merged

# Why two contacts were paired.
SAME_EMAIL = "email"
SIMILAR_NAME = "name"
# Placeholders per query when looking addresses up (SQLite's limit is far above it).
CHUNK = 500
# Shorter name keys ("A", "—") say nothing about who a person is.
MIN_NAME_KEY = 2
# A word of a name: letters and digits of any script (an underscore is no letter).
_WORD = re.compile(r"[^\W_]+")
# The fields a kept contact takes from the other when its own are empty.
FILLED_FIELDS = ("honorific", "name_native", "name_latin", "name_order", "email",
                 "organisation", "title", "nationality", "district")


@dataclass(frozen=True)
class DuplicatePair:
    """Two contacts that may be one person, and why they were paired."""

    first_id: int
    second_id: int
    reasons: frozenset[str]


@dataclass(frozen=True)
class PairRow:
    """A pair as the duplicates page shows it, with what each record holds."""

    pair: DuplicatePair
    first: Contact
    second: Contact


# -- Finding pairs ----------------------------------------------------------------------------


def duplicate_pairs() -> list[DuplicatePair]:
    """Every likely pair in the directory, by the name of its first contact."""
    reasons: dict[tuple[int, int], set[str]] = {}
    names: dict[int, str] = {}
    for reason, groups in ((SAME_EMAIL, _email_groups(names)),
                           (SIMILAR_NAME, _name_groups(names))):
        for ids in groups:
            first, *others = sorted(ids)
            for other in others:
                reasons.setdefault((first, other), set()).add(reason)
    return sorted(
        (DuplicatePair(first, second, frozenset(why)) for (first, second), why in reasons.items()),
        key=lambda pair: (fold(names.get(pair.first_id)), pair.first_id, pair.second_id),
    )


def _not_ascii(column) -> sa.ColumnElement[bool]:
    """Text holding a character beyond ASCII (more bytes than characters)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return sa.func.octet_length(column) != sa.func.length(column)
    return sa.func.length(sa.cast(column, sa.LargeBinary)) != sa.func.length(column)


def _email_groups(names: dict[int, str]) -> Iterator[set[int]]:
    """Contacts whose addresses are the same once normalised, as sets of two or more.

    Addresses are stored normalised, so only a stored address that is not (upper case, spaces,
    full-width letters: older data) can have a twin; the database finds those first.
    """
    column = Contact.email
    loose = db.session.execute(
        sa.select(Contact.id, Contact.email, Contact.name).where(
            column.is_not(None),
            sa.or_(column != sa.func.lower(column), column != sa.func.trim(column),
                   _not_ascii(column)))
    ).all()
    if not loose:
        return
    by_address: dict[str, set[int]] = {}
    for row in loose:
        by_address.setdefault(email_key(row.email), set()).add(row.id)
        names[row.id] = row.name
    addresses = list(by_address)
    for start in range(0, len(addresses), CHUNK):
        for row in db.session.execute(
                sa.select(Contact.id, Contact.email, Contact.name)
                .where(column.in_(addresses[start:start + CHUNK]))):
            by_address[row.email].add(row.id)
            names[row.id] = row.name
    yield from (ids for ids in by_address.values() if len(ids) > 1)


def organisation_key(column) -> sa.ColumnElement[str]:
    """An organisation as pairs compare it: no case, no spaces around."""
    return sa.func.lower(sa.func.trim(column))


def _name_groups(names: dict[int, str]) -> Iterator[set[int]]:
    """Contacts of one organisation whose names match once folded, as pairs.

    Each (organisation, name key) remembers the first contact that had it; a later contact
    with the same key is paired with that one.
    """
    organisation = organisation_key(Contact.organisation)
    shared = (sa.select(organisation).where(Contact.organisation.is_not(None))
              .group_by(organisation).having(sa.func.count() > 1))
    rows = db.session.execute(
        sa.select(Contact.id, Contact.name, Contact.name_native, Contact.name_latin,
                  organisation)
        .where(organisation.in_(shared), organisation != "")
    )
    first_with: dict[tuple[str, str], int] = {}
    for contact_id, name, native, latin, held_by in rows:
        names[contact_id] = name
        for key in name_keys(name, native, latin):
            first = first_with.setdefault((held_by, key), contact_id)
            if first != contact_id:
                yield {first, contact_id}


def name_keys(*names: str | None) -> set[str]:
    """The keys a person's names are matched by: folded letters and digits only, as written
    and with the words in alphabetical order ("Kim Seo-yeon" and "SEOYEON KIM" share one)."""
    keys: set[str] = set()
    for name in names:
        if name:
            keys.update(_keys_of(name))
    return keys


# Folding is most of the work of listing pairs, and names change seldom: a process keeps the
# keys of the names it has seen (a few megabytes for a directory of 30,000).
@functools.lru_cache(maxsize=65_536)
def _keys_of(name: str) -> tuple[str, ...]:
    words = _WORD.findall(fold(name))
    keys = {"".join(words), "".join(sorted(words))}
    return tuple(key for key in keys if len(key) >= MIN_NAME_KEY)


class PairPagination(Pagination):
    """One page of a list already in memory, shown as every other paged list is."""

    def _query_items(self) -> list[Any]:
        items = self._query_args["items"]
        return items[self._query_offset:self._query_offset + self.per_page]

    def _query_count(self) -> int:
        return len(self._query_args["items"])


def duplicates_page() -> Pagination:
    """This request's page of likely pairs, each with both records, their groups loaded."""
    page = PairPagination(page=page_number(), per_page=PER_PAGE, max_per_page=PER_PAGE,
                          error_out=False, items=duplicate_pairs())
    ids = {i for pair in page.items for i in (pair.first_id, pair.second_id)}
    contacts = {c.id: c for c in db.session.scalars(sa.select(Contact).where(Contact.id.in_(ids)))}
    page.items = [PairRow(pair, contacts[pair.first_id], contacts[pair.second_id])
                  for pair in page.items]
    return page


def groups_by_contact(contact_ids: Iterable[int]) -> dict[int, list[Group]]:
    """The groups of these contacts, by contact id, in one query."""
    ids = set(contact_ids)
    found: dict[int, list[Group]] = {contact_id: [] for contact_id in ids}
    if ids:
        for contact_id, group in db.session.execute(
                sa.select(GroupMember.contact_id, Group)
                .join(Group, Group.id == GroupMember.group_id)
                .where(GroupMember.contact_id.in_(ids)).order_by(Group.code)):
            found[contact_id].append(group)
    return found


# -- Merging ----------------------------------------------------------------------------------


def two_accounts_message() -> str:
    """Why two records that each have an account are not merged (two logins stay two)."""
    return _("Both records have an account. Two accounts cannot be merged here, so these "
             "records stay as they are.")


def get_pair_or_404(contact_id: int, other_id: int, *, lock: bool = False
                    ) -> tuple[Contact, Contact]:
    """The two contacts of a merge, or a 404 when either is gone (merged meanwhile).

    With ``lock`` their rows stay locked until the transaction ends, so a second merge of the
    same pair waits for the first, then finds one of them gone. Rows are locked in the order
    of their ids, so two merges of one pair in opposite directions cannot deadlock. SQLite
    needs no lock: a request that may write holds the database's write lock from its first
    statement (``BEGIN IMMEDIATE``, portal/database.py).
    """
    if contact_id == other_id:
        abort(404)
    stmt = (sa.select(Contact).where(Contact.id.in_([contact_id, other_id]))
            .order_by(Contact.id).execution_options(populate_existing=True))
    if lock:
        stmt = stmt.with_for_update()
    found = {contact.id: contact for contact in db.session.scalars(stmt)}
    if len(found) != 2:
        abort(404)
    return found[contact_id], found[other_id]


def higher_tier(first: Tier, second: Tier) -> Tier:
    """The higher of two tiers (Tier lists them from the highest)."""
    return min(first, second, key=lambda tier: tier.value)


@dataclass(frozen=True)
class MergePlan:
    """What merging ``merged`` into ``kept`` would change, shown before staff confirm."""

    kept: Contact
    merged: Contact
    filled: dict[str, Any]  # field -> the value taken from the merged record
    groups: list[Group]  # groups the kept record joins
    tags: list[str]  # tags the kept record gains
    account_moves: bool
    tier: Tier
    affiliation: Any
    refusal: str | None  # why the merge cannot be done, or None
    groups_of: dict[int, list[Group]]  # each record's groups now, by contact id
    tags_of: dict[int, list[str]]  # each record's tags now, by contact id


def plan_merge(kept: Contact, merged: Contact) -> MergePlan:
    """Say what merging ``merged`` into ``kept`` would change, changing nothing."""
    filled = {name: getattr(merged, name) for name in FILLED_FIELDS
              if _empty(getattr(kept, name)) and not _empty(getattr(merged, name))}
    groups = groups_by_contact([kept.id, merged.id])
    have = {group.id for group in groups[kept.id]}
    tags = tags_by_contact([kept.id, merged.id])
    tier = higher_tier(kept.tier, merged.tier)
    # The affiliation goes with the tier it explains; otherwise an empty one is filled.
    if tier != kept.tier and merged.affiliation is not None:
        affiliation = merged.affiliation
    else:
        affiliation = kept.affiliation or merged.affiliation
    both_accounts = kept.user_id is not None and merged.user_id is not None
    return MergePlan(
        kept=kept, merged=merged, filled=filled,
        groups=[group for group in groups[merged.id] if group.id not in have],
        tags=sorted(set(tags[merged.id]) - set(tags[kept.id])),
        account_moves=kept.user_id is None and merged.user_id is not None,
        tier=tier, affiliation=affiliation,
        refusal=two_accounts_message() if both_accounts else None,
        groups_of=groups, tags_of=tags,
    )


def merge_contacts(kept: Contact, merged: Contact, *, by: User | None) -> Contact:
    """Merge ``merged`` into ``kept``: groups, tags, empty fields, account, the higher tier.

    Audited as one entry naming both ids (the merged record's own history keeps its id); then
    ``contacts_merged`` is sent, so higher domains re-point their rows, and the merged record
    is deleted. Flushes, never commits. Raises Conflict when both records have an account.
    """
    plan = plan_merge(kept, merged)
    if plan.refusal:
        raise Conflict(plan.refusal)
    before = {"kept": snapshot(kept), "merged": snapshot(merged)}
    # Unique columns (email, account) leave the merged record before the kept one takes them.
    moved_user_id = merged.user_id if plan.account_moves else None
    if "email" in plan.filled or moved_user_id is not None:
        if "email" in plan.filled:
            merged.email = None
        if moved_user_id is not None:
            merged.user_id = None
        db.session.flush()
    for name, value in plan.filled.items():
        setattr(kept, name, value)
    if moved_user_id is not None:
        kept.user_id = moved_user_id
    _move_rows(GroupMember, GroupMember.group_id, kept=kept.id, merged=merged.id)
    _move_rows(ContactTag, ContactTag.tag, kept=kept.id, merged=merged.id)
    db.session.flush()
    if (plan.tier, plan.affiliation) != (kept.tier, kept.affiliation):
        classify_contact(kept, tier=plan.tier, affiliation=plan.affiliation, by=by)
    elif moved_user_id is not None and merged.tier != kept.tier:
        # The account's reports take the tier of the record it now belongs to.
        contact_classified.send(kept)
    db.session.flush()
    audit("contact.merge", actor=by, obj_type="contact", obj_id=kept.id, before=before,
          after={"kept_id": kept.id, "merged_id": merged.id, "kept": snapshot(kept)})
    contacts_merged.send(kept, merged_id=merged.id)
    db.session.flush()
    db.session.delete(merged)
    db.session.flush()
    return kept


def snapshot(contact: Contact) -> dict[str, Any]:
    """A contact's fields, groups and tags as the audit log keeps them."""
    values: dict[str, Any] = {"id": contact.id, "name": contact.name, "locale": contact.locale,
                              "user_id": contact.user_id}
    for name in (*FILLED_FIELDS, "tier", "affiliation"):
        value = getattr(contact, name)
        values[name] = value.name if hasattr(value, "name") else value
    values["groups"] = sorted(db.session.scalars(
        sa.select(GroupMember.group_id).where(GroupMember.contact_id == contact.id)))
    values["tags"] = tags_by_contact([contact.id])[contact.id]
    return values


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def tags_by_contact(contact_ids: list[int]) -> dict[int, list[str]]:
    """The tags of these contacts, by contact id, in one query."""
    found: dict[int, list[str]] = {contact_id: [] for contact_id in contact_ids}
    for contact_id, tag in db.session.execute(
            sa.select(ContactTag.contact_id, ContactTag.tag)
            .where(ContactTag.contact_id.in_(contact_ids)).order_by(ContactTag.tag)):
        found[contact_id].append(tag)
    return found


def _move_rows(model, key, *, kept: int, merged: int) -> None:
    """Give the kept contact the merged one's rows it lacks; the rest go with the merged one."""
    held = aliased(model)
    db.session.execute(
        sa.update(model).where(model.contact_id == merged, key.not_in(
            sa.select(getattr(held, key.key)).where(held.contact_id == kept)))
        .values(contact_id=kept).execution_options(synchronize_session=False))
    db.session.execute(sa.delete(model).where(model.contact_id == merged)
                       .execution_options(synchronize_session=False))
