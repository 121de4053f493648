"""API clients and their keys, and filing service requests in a client's name."""

import hashlib
import re
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask import abort
from flask_babel import force_locale
from flask_babel import gettext as _

from ..accounts.models import Role, User
from ..audit import audit
from ..columns import utcnow
from ..districts import District
from ..errors import Conflict, ValidationError
from ..extensions import db
from ..i18n import LOCALES
from ..reports import service as reports
from ..reports.models import Category, Report
from .models import ApiClient

# Keys start with this, so a key pasted in the wrong place (a log, a ticket) is recognised.
KEY_PREFIX = "o311_"
TITLE_LENGTH = 150  # Report.title
NO_PASSWORD = "!"  # noqa: S105 - an unusable hash: matches no password


def hash_key(key: str) -> str:
    """The fingerprint a key is stored and looked up by."""
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def new_key() -> str:
    """A fresh key: 256 random bits."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


# -- Clients ----------------------------------------------------------------------------------


def client_list() -> sa.Select:
    """Every API client, the newest first, revoked ones included."""
    return (sa.select(ApiClient).options(sa.orm.selectinload(ApiClient.created_by))
            .order_by(ApiClient.created_at.desc(), ApiClient.id.desc()))


def get_client_or_404(client_id: int) -> ApiClient:
    """The API client with this id, or a 404."""
    client = db.session.get(ApiClient, client_id)
    if client is None:
        abort(404)
    return client


def client_names(ids: set[int]) -> dict[int, str]:
    """API clients as the audit log names them."""
    if not ids:
        return {}
    rows = db.session.execute(sa.select(ApiClient.id, ApiClient.name)
                              .where(ApiClient.id.in_(ids)))
    return {key: value for key, value in rows}


def create_client(*, name: str, by: User | None, now: datetime | None = None
                  ) -> tuple[ApiClient, str]:
    """Make an API client with its own account and key; return it with the key, shown once.

    The account files the client's reports: it cannot sign in (no usable password, switched
    off) and is never mailed (its address is unconfirmed, and ``.invalid`` names no host).
    """
    name = name.strip()
    if not name:
        raise ValidationError("name", _("This field is required."))
    now = now or utcnow()
    key = new_key()
    user = User(
        name=name,
        email=f"open311-{secrets.token_hex(8)}@api.invalid",
        password_hash=NO_PASSWORD,
        locale="en",
        role=Role.resident,
        created_at=now,
        password_changed_at=now,
        deactivated_at=now,
    )
    db.session.add(user)
    db.session.flush()
    client = ApiClient(name=name, key_hash=hash_key(key), user_id=user.id,
                       created_by_id=by.id if by else None, created_at=now)
    db.session.add(client)
    db.session.flush()
    audit("api_key.create", actor=by, obj_type="api_client", obj_id=client.id,
          after={"name": name})
    return client, key


def revoke_client(client: ApiClient, *, by: User, now: datetime | None = None) -> None:
    """Revoke a client's key for good; its reports stay."""
    if client.revoked_at is not None:
        raise Conflict(_("This key has already been revoked."))
    client.revoked_at = now or utcnow()
    audit("api_key.revoke", actor=by, obj_type="api_client", obj_id=client.id,
          before={"revoked": False}, after={"revoked": True})


def client_for_key(key: str | None) -> ApiClient | None:
    """The client holding this key, or None when it is missing, unknown or revoked."""
    if not key:
        return None
    client = db.session.scalar(sa.select(ApiClient).where(ApiClient.key_hash == hash_key(key)))
    return client if client is not None and client.is_active else None


# -- Filing -----------------------------------------------------------------------------------


def category_by_code(code: str, *, active_only: bool = True) -> Category | None:
    """The report category whose code an Open311 service_code names."""
    return next((c for c in reports.categories(active_only=active_only) if c.code == code),
                None)


def district_in(address: str | None) -> District | None:
    """The district an address names ("Mapo-gu", "마포구", "麻浦区"), if exactly one."""
    if not address:
        return None
    districts = [d for d in District if d is not District.outside]
    names = {d: {f"{d.name}-gu", f"{d.name} gu", f"{d.name}gu"} for d in districts}
    for lang in LOCALES:
        with force_locale(lang):
            for district in districts:
                names[district].add(str(district.label).casefold())
    text = address.casefold()
    found = {d for d in districts if any(_names_in(name, text) for name in names[d])}
    return found.pop() if len(found) == 1 else None


def _names_in(name: str, text: str) -> bool:
    # A name must not run on into more letters: "Jung-gu" is not in "Jungnang-gu".
    return re.search(rf"(?<![a-z]){re.escape(name)}(?![a-z])", text) is not None


def title_of(description: str) -> str:
    """A report's title from an Open311 description: the start of its first line."""
    first_line = description.strip().splitlines()[0] if description.strip() else ""
    return first_line.strip()[:TITLE_LENGTH]


def file_request(client: ApiClient, *, category: Category, description: str,
                 latitude: float | None = None, longitude: float | None = None,
                 address: str | None = None, now: datetime | None = None) -> Report:
    """File a service request in the client's name; it enters the triage queue at once.

    The client's account is never confirmed (so it is never mailed): the report is received
    here rather than when an address is confirmed.
    """
    now = now or utcnow()
    report = reports.file_report(
        reporter=client.user, category=category, district=district_in(address),
        title=title_of(description), description=description, place=address,
        latitude=latitude, longitude=longitude, now=now,
    )
    if report.received_at is None:
        reports.receive(report, now=now)
    client.last_used_at = now
    return report
