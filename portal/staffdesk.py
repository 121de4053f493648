"""The staff desk's conventions: staff blueprints, menus and dashboard panels.

A domain makes its staff pages with ``staff_blueprint(domain, __name__)`` (the ``/staff``
prefix, the staff gate, the name ``<domain>_staff``), adds its links to the menus with
``add_menu_entry`` and its numbers to the dashboard with ``add_panel``, all from its
``init_app``. The header, the staff menu and the dashboard are built from these registries,
so no template and no domain names another domain's pages.
"""

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, NamedTuple

from flask import Blueprint, Flask, abort, current_app, g, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup, escape

from .audit import audit_now, register_action
from .audit_sentences import sentence
from .extensions import cache, login_manager
from .i18n import current_lang
from .security import security_event

STAFF_PREFIX = "/<lang:lang>/staff"


def _signed_in(user) -> bool:
    return bool(user.is_authenticated)


def _anonymous(user) -> bool:
    return not user.is_authenticated


def _staff(user) -> bool:
    return bool(user.is_authenticated and user.is_staff)


def _admin(user) -> bool:
    return bool(user.is_authenticated and user.is_admin)


# Who sees an entry or a panel: pass one of these as ``visible``.
EVERYONE: Callable[[Any], bool] = lambda user: True  # noqa: E731
SIGNED_IN = _signed_in
ANONYMOUS = _anonymous
STAFF = _staff
ADMINS = _admin


def staff_gate():
    """``before_request`` of every staff blueprint: visitors sign in, residents get a 403.

    A refused attempt is a security event, kept in the audit log for administrators.
    """
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_staff:
        user_id = current_user.id
        security_event("staff.access_refused", user_id=user_id, path=request.path)
        audit_now("staff.access_refused", actor_id=user_id, obj_type="user", obj_id=user_id,
                  after={"path": request.path[:200]})
        abort(403)
    g.staff_page = True  # the header shows the staff menu
    return None


def admin_required(view):
    """Let only administrators use a view (staff blueprints already require staff)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def staff_blueprint(domain: str, import_name: str, *, url_prefix: str = "",
                    name: str | None = None) -> Blueprint:
    """The staff blueprint of ``domain``: ``/<lang>/staff<url_prefix>``, staff only."""
    blueprint = Blueprint(name or f"{domain}_staff", import_name,
                          url_prefix=STAFF_PREFIX + url_prefix)
    blueprint.before_request(staff_gate)
    return blueprint


@dataclass(frozen=True)
class MenuEntry:
    """A link in a menu, or a partial template (a sign-out button, a counter) in its place."""

    label: Any = None
    endpoint: str | None = None
    order: int = 100
    visible: Callable[[Any], bool] = EVERYONE
    template: str | None = None


@dataclass(frozen=True)
class Panel:
    """A dashboard section: ``template`` rendered with what ``context()`` returns."""

    template: str
    context: Callable[[], dict[str, Any]]
    order: int = 100
    visible: Callable[[Any], bool] = STAFF
    # Seconds to keep the panel once rendered, per language: for numbers that are the same for
    # every member of staff (never for anything about the reader). None: rendered every visit.
    # A context whose numbers are themselves kept may say when they expire (``EXPIRES_AT``):
    # each language's rendering then expires with them, never later.
    cache_seconds: int | None = None


# The key a panel's context may give: when its numbers expire, in seconds since the epoch.
EXPIRES_AT = "expires_at"


@dataclass
class Registry:
    menus: dict[str, list[MenuEntry]] = field(default_factory=dict)
    panels: list[Panel] = field(default_factory=list)
    # Each menu's entries with their addresses and labels built, per language and script root
    # (see _built_entries); emptied when an entry is added.
    built: dict[tuple[str, str, str], tuple] = field(default_factory=dict)


def _registry(app: Flask) -> Registry:
    registry = app.extensions.get("portal.staffdesk")
    if registry is None:  # not setdefault: the header asks on every page
        registry = app.extensions["portal.staffdesk"] = Registry()
    return registry


def add_menu_entry(app: Flask, menu: str, entry: MenuEntry) -> None:
    """Add ``entry`` to ``menu``: ``main`` (the header) or ``staff`` (the staff menu)."""
    registry = _registry(app)
    entries = registry.menus.setdefault(menu, [])
    entries.append(entry)
    entries.sort(key=lambda e: e.order)
    registry.built.clear()


def add_panel(app: Flask, panel: Panel) -> None:
    """Add a section to the staff dashboard."""
    panels = _registry(app).panels
    panels.append(panel)
    panels.sort(key=lambda p: p.order)


def menu(name: str) -> list[MenuEntry]:
    """The entries of a menu the current person may see, in order."""
    entries = _registry(current_app).menus.get(name, ())
    user = current_user._get_current_object()
    return [entry for entry in entries if entry.visible(user)]


class MenuLink(NamedTuple):
    """A menu entry as the page shows it: its address built, and whether it is this page."""

    label: Any
    url: str | None
    current: bool
    template: str | None


def _built_entries(name: str, lang: str) -> tuple[tuple[MenuEntry, str | None, Any], ...]:
    """Every entry of a menu with its address and its label in ``lang``, built once.

    The header shows the same addresses and labels to everyone who reads a language; only
    which entries a person sees, and which one is the current page, differ (menu_links).
    The label is kept as the page would print it (a lazy label counts as safe markup).
    """
    registry = _registry(current_app)
    key = (name, lang, request.script_root)
    built = registry.built.get(key)
    if built is None:
        built = registry.built[key] = tuple(
            (
                entry,
                url_for(entry.endpoint, lang=lang) if entry.endpoint else None,
                None if entry.label is None else escape(entry.label),
            )
            for entry in registry.menus.get(name, ())
        )
    return built


def menu_links(name: str) -> list[MenuLink]:
    """The links of a menu the current person may see, in the page's language."""
    user = current_user._get_current_object()
    endpoint = request.endpoint
    return [
        MenuLink(label, url, entry.endpoint == endpoint, entry.template)
        for entry, url, label in _built_entries(name, current_lang())
        if entry.visible(user)
    ]


bp = Blueprint("staff", __name__, url_prefix=STAFF_PREFIX)
bp.before_request(staff_gate)


@bp.route("/")
def dashboard():
    """Show staff the numbers they start their day with, one panel per domain."""
    panels = [Markup(_panel_html(panel))  # noqa: S704 - our own templates' output
              for panel in _registry(current_app).panels if panel.visible(current_user)]
    return render_template("staff/dashboard.html", panels=panels)


def panel_key(template: str, lang: str) -> str:
    """Where a panel's rendering in ``lang`` is kept."""
    return f"staffdesk.panel/{template}/{lang}"


def _panel_html(panel: Panel) -> str:
    if panel.cache_seconds is None:
        return render_template(panel.template, **panel.context())
    key = panel_key(panel.template, current_lang())
    html = cache.get(key)
    if html is None:
        context = panel.context()
        timeout = panel.cache_seconds
        expires_at = context.pop(EXPIRES_AT, None)
        if expires_at is not None:
            timeout = max(1, min(timeout, math.ceil(expires_at - time.time())))
        html = render_template(panel.template, **context)
        cache.set(key, html, timeout=timeout)
    return html


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    register_action(app, sentence(
        "staff.access_refused", _l("Staff page refused"),
        lambda actor, name: gettext("%(actor)s tried to open a staff page and was refused.",
                                    actor=actor),
    ))
    app.jinja_env.globals["menu_links"] = menu_links
    add_menu_entry(app, "main", MenuEntry(
        label=_l("Staff desk"), endpoint="staff.dashboard", order=20, visible=STAFF,
    ))
