"""Contacts in and out as CSV: every row of a file checked first, then the good ones applied.

``check(data)`` reads a file and says what importing it would do, writing nothing; ``apply``
writes the rows a check found good with a few bulk statements, in the caller's transaction.
``export_rows`` writes the same columns, so an exported file can be edited and imported back.
A 30,000-row file is checked and written in a few seconds (bench/contacts_import.py): no ORM
object and no query per row, every value checked against sets built once per file.
"""

import csv
import functools
import hashlib
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.dialects import postgresql

from ..accounts.models import Affiliation, User
from ..addresses import normalise_email
from ..audit import AuditLog, audit
from ..columns import utcnow
from ..csvfiles import revived
from ..districts import District
from ..errors import ValidationError
from ..extensions import db
from ..forms import CONTROL_CHARACTERS, REQUIRED, SINGLE_LINE, TOO_LONG
from ..i18n import COUNTRY_CODES, LOCALES
from .models import Contact, ContactTag, Group, GroupMember, NameOrder, Tier, search_text_of
from .service import normalise_tag
from .signals import contacts_classified

COLUMNS = ("email", "name", "honorific", "name_native", "name_latin", "name_order",
           "organisation", "position", "tier", "affiliation", "nationality", "language",
           "district", "groups", "tags")
# The contact attribute a column fills, where its name differs.
ATTRIBUTES = {"position": "title", "language": "locale"}
ENUMS = {"name_order": NameOrder, "tier": Tier, "affiliation": Affiliation, "district": District}
TEXT = ("email", "name", "honorific", "name_native", "name_latin", "organisation", "position")
SEPARATOR = ";"  # between the group codes, and between the tags, of one cell
LISTED = 200  # problems shown; the others are counted
BATCH = 1000  # rows per bulk statement
CHUNK = 500  # values per IN (...) lookup
# What a new contact gets from a column the file leaves out or a cell left empty.
DEFAULTS: dict[str, Any] = {"email": None, "honorific": None, "name_native": None,
                            "name_latin": None, "name_order": None, "organisation": None,
                            "title": None, "tier": Tier.unclassified, "affiliation": None,
                            "nationality": None, "locale": "en", "district": None}

NOT_UTF8 = _l("This file is not in UTF-8. Save it as “CSV UTF-8” and upload it again.")
NO_HEADER = _l("This file is empty: its first row must name the columns.")
NO_NAME_COLUMN = _l("The file has no “name” column.")
EXTRA_CELLS = _l("This row has more cells than the first row has columns.")

# Characters no one-line cell may hold, as portal.forms refuses them in one-line fields.
_SINGLE_LINE_BANNED = frozenset({"Cc", "Cf", "Zl", "Zp"})
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_PLAIN_LOCAL_PART = re.compile(rf"{_ATOM}(?:\.{_ATOM})*")


class FileProblem(Exception):
    """The file as a whole cannot be read: ``messages`` say why."""

    def __init__(self, *messages):
        super().__init__(*messages)
        self.messages = messages


class _Refused(Exception):
    def __init__(self, message):
        self.message = message


@dataclass(frozen=True)
class Problem:
    """A reason a row is left out: its number as a spreadsheet shows it (the header is 1)."""

    row: int
    column: str | None
    message: Any


@dataclass(slots=True)
class Entry:
    """A good row: the attributes it gives, its groups and tags when the file has them."""

    row: int
    values: dict[str, Any]
    groups: frozenset[int] | None
    tags: frozenset[str] | None
    contact_id: int | None = None
    before: dict[str, Any] | None = None  # an existing contact's values
    groups_before: frozenset[int] = frozenset()
    tags_before: frozenset[str] = frozenset()


@dataclass
class CheckedFile:
    """What importing a file would do: contacts to add and to change, and what is wrong."""

    columns: tuple[str, ...]
    new: list[Entry] = field(default_factory=list)
    changed: list[Entry] = field(default_factory=list)
    unchanged: int = 0
    repeated: int = 0  # rows whose address an earlier row has
    invalid: int = 0  # other rows with a problem
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0

    @property
    def importable(self) -> int:
        return len(self.new) + len(self.changed)

    @property
    def left_out(self) -> int:
        return self.repeated + self.invalid

    def refuse(self, row: int, column: str | None, message) -> None:
        self.problem_count += 1
        if len(self.problems) < LISTED:
            self.problems.append(Problem(row, column, message))


@dataclass(frozen=True)
class ImportCounts:
    """What an import did (``linked``: new contacts linked to an account)."""

    new: int
    updated: int
    unchanged: int
    left_out: int
    linked: int


# -- Reading and checking ---------------------------------------------------------------------

def check(data: bytes) -> CheckedFile:
    """Read a CSV file and say what importing it would do, writing nothing."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileProblem(NOT_UTF8) from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    rows = _numbered(reader)
    first = next(rows, None)
    if first is None:
        raise FileProblem(NO_HEADER)
    positions = _header(first[1])
    vocabulary = _Vocabulary()
    checked = CheckedFile(columns=tuple(column for column in positions if column))
    readers = [(index, column, _READERS[column]) for index, column in enumerate(positions)
               if column]
    ignored = [index for index, column in enumerate(positions) if column is None]
    width = len(positions)
    first_row_of: dict[str, int] = {}
    entries: list[Entry] = []
    for number, cells in rows:
        if not "".join(cells).strip():
            continue  # a blank line
        values: dict[str, Any] = {}
        refused = False
        if (len(cells) > width and "".join(cells[width:]).strip()) or any(
                index < len(cells) and cells[index].strip() for index in ignored):
            checked.refuse(number, None, EXTRA_CELLS)
            refused = True
        for index, column, read in readers:
            cell = cells[index].strip() if index < len(cells) else ""
            try:
                values[column] = read(_clean(cell, column), vocabulary) if cell else \
                    _empty(column)
            except _Refused as problem:
                checked.refuse(number, column, problem.message)
                refused = True
        email = values.get("email")
        if email:
            if email in first_row_of:
                checked.refuse(number, "email", _l("The same email address is on row %(row)s.",
                                                   row=first_row_of[email]))
                checked.repeated += 1
                continue
            first_row_of[email] = number
        if refused:
            checked.invalid += 1
            continue
        groups = values.pop("groups", None)
        tags = values.pop("tags", None)
        entries.append(Entry(number, {ATTRIBUTES.get(k, k): v for k, v in values.items()},
                             groups, tags))
    _compare_with_directory(checked, entries)
    return checked


def _delimiter(text: str) -> str:
    """Commas, or the semicolons or tabs some spreadsheets write instead (read off row 1)."""
    first_line = text.split("\n", 1)[0]
    return max((",", ";", "\t"), key=first_line.count)


def _numbered(reader) -> Iterator[tuple[int, list[str]]]:
    """The file's rows with their numbers; an unreadable row stops the whole file."""
    number = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:
            raise FileProblem(_l("Row %(row)s cannot be read: a cell is too long or a quotation "
                                 "mark is not closed.", row=number + 1)) from None
        number += 1
        yield number, cells


def _header(cells: list[str]) -> list[str | None]:
    """The column of each position in the header (None for a blank one), or FileProblem."""
    positions: list[str | None] = []
    messages = []
    for cell in cells:
        name = cell.strip().lower()
        if not name:
            positions.append(None)
            continue
        if name not in COLUMNS:
            messages.append(_l("Unknown column “%(column)s”.", column=_shown(cell.strip())))
        elif name in positions:
            messages.append(_l("The column “%(column)s” appears more than once.", column=name))
        positions.append(name)
    if "name" not in positions and not messages:
        messages.append(NO_NAME_COLUMN)
    if messages:
        raise FileProblem(*messages)
    return positions


def _clean(cell: str, column: str) -> str:
    """A non-empty stripped cell, refused if it holds hidden characters or is too long."""
    cell = revived(cell)  # a formula-looking cell the export wrote inert
    if not cell.isprintable():  # a fast test passed by nearly every cell
        if "\x00" in cell:
            raise _Refused(CONTROL_CHARACTERS)
        if any(unicodedata.category(char) in _SINGLE_LINE_BANNED for char in cell):
            raise _Refused(SINGLE_LINE)
    limit = _LENGTHS.get(column)
    if limit is not None and len(cell) > limit:
        raise _Refused(TOO_LONG)
    return cell


def _empty(column: str):
    """What an empty cell means: no value, or the default (the name is required)."""
    if column == "name":
        raise _Refused(REQUIRED)
    if column in ("groups", "tags"):
        return frozenset()
    return DEFAULTS[ATTRIBUTES.get(column, column)]


def _shown(value: str) -> str:
    """A value quoted back in a message: shortened, hidden characters made visible."""
    if not value.isprintable():
        value = "".join(char if char.isprintable() else "\ufffd" for char in value)
    return value if len(value) <= 40 else value[:39] + "…"


class _Vocabulary:
    """The values cells are checked against, looked up once per file."""

    def __init__(self):
        self.groups: dict[str, int] = {}
        self.folded_groups: dict[str, int] = {}
        for group_id, code in db.session.execute(sa.select(Group.id, Group.code)):
            self.groups[code] = group_id
            self.folded_groups.setdefault(code.casefold(), group_id)
        self.domains: dict[str, str | None] = {}


@functools.cache
def _enum_names(enum: type) -> dict[str, Any]:
    """Members by name and by English label, folded ("Global Leaders", "global_leaders")."""
    with force_locale("en"):
        names = {" ".join(str(member.label).split()).casefold(): member for member in enum}
    names.update({member.name.casefold(): member for member in enum})
    return names


def _text(cell: str, vocabulary) -> str:
    return cell


def _member(column: str):
    enum = ENUMS[column]

    def read(cell: str, vocabulary):
        member = _enum_names(enum).get(" ".join(cell.split()).casefold())
        if member is None:
            raise _Refused(_l("“%(value)s” is not one of the accepted values.",
                              value=_shown(cell)))
        return member

    return read


def _email(cell: str, vocabulary: _Vocabulary) -> str:
    """The address as ``normalise_email`` gives it, each domain checked once per file.

    Checking an address is mostly checking its domain, and a directory's addresses share a
    few hundred; an address with a plain ASCII local part is the local part lower-cased at
    the domain's own normal form, anything else goes through ``normalise_email`` whole.
    """
    folded = unicodedata.normalize("NFKC", cell).strip()
    local, at, domain = folded.rpartition("@")
    if not (at and folded.isascii() and len(folded) <= 200 and len(local) <= 64
            and _PLAIN_LOCAL_PART.fullmatch(local)):
        return _normalised(cell)
    if domain not in vocabulary.domains:
        try:
            vocabulary.domains[domain] = normalise_email("x@" + domain).rpartition("@")[2]
        except ValidationError:
            vocabulary.domains[domain] = None
    normal_domain = vocabulary.domains[domain]
    if normal_domain is None:
        return _normalised(cell)  # raises with normalise_email's message
    return f"{local}@{normal_domain}".lower()


def _normalised(cell: str) -> str:
    try:
        return normalise_email(cell)
    except ValidationError as error:
        raise _Refused(error.message) from None


def _nationality(cell: str, vocabulary) -> str:
    code = cell.upper()
    if code not in COUNTRY_CODES:
        raise _Refused(_l("“%(value)s” is not a two-letter country code.", value=_shown(cell)))
    return code


def _language(cell: str, vocabulary) -> str:
    code = cell.lower()
    if code not in LOCALES:
        raise _Refused(_l("“%(value)s” is not one of the accepted values.", value=_shown(cell)))
    return code


def _groups(cell: str, vocabulary: _Vocabulary) -> frozenset[int]:
    found = set()
    for part in cell.split(SEPARATOR):
        code = part.strip()
        if not code:
            continue
        group_id = vocabulary.groups.get(code) or vocabulary.folded_groups.get(code.casefold())
        if group_id is None:
            raise _Refused(_l("No group has the code “%(code)s”.", code=_shown(code)))
        found.add(group_id)
    return frozenset(found)


def _tags(cell: str, vocabulary) -> frozenset[str]:
    found = set()
    for part in cell.split(SEPARATOR):
        if not part.strip():
            continue
        if len(" ".join(part.split()).casefold()) > _TAG_LENGTH:
            raise _Refused(TOO_LONG)
        found.add(normalise_tag(part))
    return frozenset(found)


_READERS = {
    **{column: _text for column in TEXT}, **{column: _member(column) for column in ENUMS},
    "email": _email, "nationality": _nationality, "language": _language, "groups": _groups,
    "tags": _tags,
}
_LENGTHS = {column: Contact.__table__.c[ATTRIBUTES.get(column, column)].type.length
            for column in TEXT}
_TAG_LENGTH = ContactTag.__table__.c.tag.type.length
# An existing contact's id, account and every attribute a file may set.
_SNAPSHOT = [Contact.__table__.c[attr] for attr in ("id", "user_id", *DEFAULTS, "name")]


def _compare_with_directory(checked: CheckedFile, entries: list[Entry]) -> None:
    """Sort the good rows into new contacts, changed ones and ones already as the file says."""
    emails = [entry.values["email"] for entry in entries if entry.values.get("email")]
    existing = {}
    for among in _matching(Contact.__table__.c.email, emails):
        for row in db.session.execute(sa.select(*_SNAPSHOT).where(among)):
            existing[row.email] = row._asdict()
    ids = [row["id"] for row in existing.values()]
    groups = _pairs(GroupMember.__table__.c.contact_id, GroupMember.__table__.c.group_id, ids) \
        if "groups" in checked.columns else {}
    tags = _pairs(ContactTag.__table__.c.contact_id, ContactTag.__table__.c.tag, ids) \
        if "tags" in checked.columns else {}
    for entry in entries:
        current = existing.get(entry.values.get("email"))
        if current is None:
            checked.new.append(entry)
            continue
        entry.contact_id = current["id"]
        entry.before = current
        entry.groups_before = groups.get(current["id"], frozenset())
        entry.tags_before = tags.get(current["id"], frozenset())
        if (any(current[attr] != value for attr, value in entry.values.items())
                or (entry.groups is not None and entry.groups != entry.groups_before)
                or (entry.tags is not None and entry.tags != entry.tags_before)):
            checked.changed.append(entry)
        else:
            checked.unchanged += 1


def _pairs(key: sa.Column, value: sa.Column, ids: list[int]) -> dict[int, frozenset]:
    """``value``s by ``key`` for these ids."""
    found: dict[int, set] = {}
    for among in _matching(key, ids):
        for owner, item in db.session.execute(sa.select(key, value).where(among)):
            found.setdefault(owner, set()).add(item)
    return {owner: frozenset(items) for owner, items in found.items()}


def _matching(column, values: list) -> Iterator[sa.ColumnElement[bool]]:
    """``column IN (values)`` as conditions to query in turn: chunks of placeholders on
    SQLite; one array on PostgreSQL (``= ANY``), which it reads far faster than placeholders
    and matches through a hash."""
    if not values:
        return
    if db.session.get_bind().dialect.name == "postgresql":
        yield column == sa.any_(sa.literal(values, postgresql.ARRAY(column.type)))
        return
    for chunk in _chunks(values, CHUNK):
        yield column.in_(chunk)


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


# -- Writing ----------------------------------------------------------------------------------

def lock_checked_file(key: str) -> None:
    """Make two confirmations of one checked file (a double click) wait for each other.

    The second then finds the file deleted by the first. SQLite needs nothing: a request that
    may write holds the database's write lock from its first statement (``BEGIN IMMEDIATE``).
    """
    if db.session.get_bind().dialect.name == "postgresql":
        number = int(hashlib.sha256(key.encode()).hexdigest()[:15], 16)
        db.session.execute(sa.select(sa.func.pg_advisory_xact_lock(number)))


def import_file(data: bytes, *, by: User, filename: str) -> ImportCounts:
    """Check a file again (the directory may have changed since) and import its good rows."""
    counts = apply(check(data), by=by, filename=filename)
    db.session.flush()
    return counts


def apply(checked: CheckedFile, *, by: User, filename: str) -> ImportCounts:
    """Add and change the contacts of a checked file with bulk statements, audited."""
    now = utcnow()
    new_ids, linked = _insert(checked.new, now)
    _update(checked.changed, checked.columns, now)
    members_added, members_removed, tags_added, tags_removed = [], [], [], []
    for entry, contact_id in [*zip(checked.new, new_ids, strict=True),
                              *((entry, entry.contact_id) for entry in checked.changed)]:
        if entry.groups is not None:
            members_added += [{"group_id": g, "contact_id": contact_id, "added_at": now}
                              for g in entry.groups - entry.groups_before]
            members_removed += [{"b_group": g, "b_contact": contact_id}
                                for g in entry.groups_before - entry.groups]
        if entry.tags is not None:
            tags_added += [{"contact_id": contact_id, "tag": tag}
                           for tag in entry.tags - entry.tags_before]
            tags_removed += [{"b_contact": contact_id, "b_tag": tag}
                             for tag in entry.tags_before - entry.tags]
    members, tags = GroupMember.__table__, ContactTag.__table__
    _delete(members, members_removed, members.c.group_id == sa.bindparam("b_group"),
            members.c.contact_id == sa.bindparam("b_contact"))
    _delete(tags, tags_removed, tags.c.contact_id == sa.bindparam("b_contact"),
            tags.c.tag == sa.bindparam("b_tag"))
    _insert_rows(GroupMember, members_added)
    _insert_rows(ContactTag, tags_added)
    classified = _audit_classifications(checked, new_ids, linked, by=by, now=now)
    counts = ImportCounts(new=len(checked.new), updated=len(checked.changed),
                          unchanged=checked.unchanged, left_out=checked.left_out,
                          linked=len(linked))
    audit("contact.import", actor=by, obj_type="contact", obj_id=None,
          after={**asdict(counts), "file": filename[:100]})
    _announce(classified)
    return counts


def _insert(entries: list[Entry], now) -> tuple[list[int], dict[int, int]]:
    """Insert new contacts, linked to the accounts registered with their addresses.

    Returns their ids, in the order of ``entries``, and the account each linked one got.
    """
    accounts = _free_accounts([e.values["email"] for e in entries if e.values.get("email")])
    ids = _new_contact_ids(len(entries))
    rows = []
    for entry, contact_id in zip(entries, ids, strict=True):
        row = {**DEFAULTS, **entry.values}
        row["id"] = contact_id
        row["user_id"] = accounts.get(row["email"])
        row["search_text"] = search_text_of(row["name"], row["email"], row["organisation"],
                                            row["name_native"], row["name_latin"])
        row["created_at"] = row["updated_at"] = now
        rows.append(row)
    # NULLs written out keep every row the same shape, so each batch is one statement.
    statement = sa.insert(Contact).execution_options(render_nulls=True)
    for batch in _chunks(rows, BATCH):
        db.session.execute(statement, batch)
    linked = {row["id"]: row["user_id"] for row in rows if row["user_id"] is not None}
    return ids, linked


def _new_contact_ids(count: int) -> list[int]:
    """Ids for new contacts, taken before they are inserted.

    Inserting with RETURNING instead made SQLite insert row by row and cost PostgreSQL four
    times the insert itself. On PostgreSQL the ids come from the table's sequence; on SQLite
    they are the ones after the largest, which no one else can take meanwhile: the transaction
    holds the write lock (``BEGIN IMMEDIATE``), and a clash would fail the import, not mix it.
    """
    if not count:
        return []
    if db.session.get_bind().dialect.name == "postgresql":
        sequence = sa.func.pg_get_serial_sequence(Contact.__tablename__, "id")
        return list(db.session.scalars(
            sa.select(sa.func.nextval(sequence)).select_from(sa.func.generate_series(1, count))))
    largest = db.session.scalar(sa.select(sa.func.max(Contact.id))) or 0
    return list(range(largest + 1, largest + 1 + count))


def _free_accounts(emails: list[str]) -> dict[str, int]:
    """The accounts registered with these addresses that no contact holds yet, by address."""
    found: dict[str, int] = {}
    for among in _matching(User.email, emails):
        found.update((email, user_id) for user_id, email in db.session.execute(
            sa.select(User.id, User.email).where(among)))
    ids = list(found.values())
    taken: set[int] = set()
    for among in _matching(Contact.user_id, ids):
        taken.update(db.session.scalars(sa.select(Contact.user_id).where(among)))
    return {email: user_id for email, user_id in found.items() if user_id not in taken}


def _update(entries: list[Entry], columns: Iterable[str], now) -> None:
    """Change existing contacts by primary key, one executemany per batch."""
    if not entries:
        return
    table = Contact.__table__
    names = [ATTRIBUTES.get(c, c) for c in columns if c not in ("email", "groups", "tags")]
    names += ["search_text", "updated_at"]
    statement = sa.update(table).where(table.c.id == sa.bindparam("b_id")).values(
        {name: sa.bindparam(f"b_{name}", type_=table.c[name].type) for name in names})
    rows = []
    for entry in entries:
        merged = {**entry.before, **entry.values}
        merged["search_text"] = search_text_of(
            merged["name"], merged["email"], merged["organisation"], merged["name_native"],
            merged["name_latin"])
        merged["updated_at"] = now
        rows.append({"b_id": entry.contact_id, **{f"b_{n}": merged[n] for n in names}})
    for batch in _chunks(rows, BATCH):
        db.session.execute(statement, batch)


def _delete(table: sa.Table, rows: list[dict], *criteria) -> None:
    """Delete rows matching ``criteria`` (bound per row), one executemany per batch."""
    for batch in _chunks(rows, BATCH):
        db.session.execute(sa.delete(table).where(*criteria), batch)


def _insert_rows(model, rows: list[dict]) -> None:
    """Insert plain rows into a model's table (the ORM's bulk path adds nothing to these)."""
    for batch in _chunks(rows, BATCH):
        db.session.execute(sa.insert(model.__table__), batch)


def _classification(values: dict, user_id: int | None) -> dict:
    affiliation = values.get("affiliation")
    return {"tier": values["tier"].name, "affiliation": affiliation.name if affiliation else None,
            "user_id": user_id}


def _audit_classifications(checked: CheckedFile, new_ids: list[int], linked: dict[int, int],
                           *, by: User, now) -> list[int]:
    """Audit each tier or affiliation the file changed, as staff classifying would; return
    the ids of the contacts concerned that have an account.

    New contacts are audited only when linked to an account: the person's tier changes.
    """
    entries = []
    for entry in checked.changed:
        before = _classification(entry.before, entry.before["user_id"])
        after = _classification({**entry.before, **entry.values}, entry.before["user_id"])
        if before != after:
            entries.append((entry.contact_id, before, after))
    for entry, contact_id in zip(checked.new, new_ids, strict=True):
        user_id = linked.get(contact_id)
        after = _classification({**DEFAULTS, **entry.values}, user_id)
        before = _classification(DEFAULTS, user_id)
        if user_id is not None and before != after:
            entries.append((contact_id, before, after))
    _insert_rows(AuditLog, [
        {"actor_id": by.id, "action": "contact.classify", "object_type": "contact",
         "object_id": contact_id, "before": before, "after": after, "created_at": now}
        for contact_id, before, after in entries
    ])
    return [contact_id for contact_id, _before, after in entries if after["user_id"]]


def _announce(contact_ids: list[int]) -> None:
    """Tell the domains that follow people's classifications (a reporter's reports rank by
    tier) about the reclassified contacts that have an account: nothing follows the others.
    """
    for among in _matching(Contact.id, contact_ids):
        contacts = db.session.scalars(sa.select(Contact).where(among)
                                      .execution_options(populate_existing=True))
        contacts_classified.send(contacts.all())


# -- Export -----------------------------------------------------------------------------------

def export_rows(contacts: sa.Select) -> Iterator[list[str]]:
    """The header, then one row per contact of ``contacts``, in the columns ``check`` reads."""
    yield list(COLUMNS)
    result = db.session.scalars(contacts.execution_options(yield_per=BATCH))
    members = GroupMember.__table__.c
    for batch in result.partitions():
        ids = [contact.id for contact in batch]
        codes: dict[int, set[str]] = {}
        for among in _matching(members.contact_id, ids):
            for contact_id, code in db.session.execute(
                    sa.select(members.contact_id, Group.code)
                    .join(Group, Group.id == members.group_id).where(among)):
                codes.setdefault(contact_id, set()).add(code)
        tags = _pairs(ContactTag.__table__.c.contact_id, ContactTag.__table__.c.tag, ids)
        for contact in batch:
            yield [
                contact.email or "", contact.name, contact.honorific or "",
                contact.name_native or "", contact.name_latin or "", _name(contact.name_order),
                contact.organisation or "", contact.title or "", contact.tier.name,
                _name(contact.affiliation), contact.nationality or "", contact.locale,
                _name(contact.district), SEPARATOR.join(sorted(codes.get(contact.id, ()))),
                SEPARATOR.join(sorted(tags.get(contact.id, ()))),
            ]


def _name(member) -> str:
    return member.name if member is not None else ""
