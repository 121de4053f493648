"""Kinds of notification: what each says, where it leads, how it is delivered by default.

A domain registers its kinds from its ``init_app``::

    register_kind(app, NotificationKind(
        name="reports.status_changed",
        label=_l("Changes to my reports"),
        message=_l("Your report “%(title)s” is now: %(status)s."),
        link=lambda n: ("reports.detail", {"report_id": n.object_id}),
        existing=existing_report_ids,
        describe=lambda params: {**params, "status": Status[params["status"]].label},
    ))

``message`` is formatted with the notification's params, run through ``describe`` in the
reader's language. ``link`` returns the (endpoint, values) of the page about the object
without querying anything; ``existing`` tells, for a page of notifications at once, which
objects are still there, so a notification about a deleted object says so. A kind people
cannot turn off (a security notice) has ``choosable=False`` and always uses ``default``.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app

from .models import Delivery, Notification

Link = tuple[str, dict[str, Any]]


def _same(params: dict[str, Any]) -> dict[str, Any]:
    return params


@dataclass(frozen=True)
class NotificationKind:
    name: str
    label: Any
    message: Any
    link: Callable[[Notification], Link | None] = field(default=lambda notification: None)
    # Given object ids, the ones that still exist (one query for a whole page); None when the
    # kind's objects are never deleted.
    existing: Callable[[set[int]], set[int]] | None = None
    describe: Callable[[dict[str, Any]], dict[str, Any]] = _same
    default: Delivery = Delivery.immediately
    choosable: bool = True
    # Who may receive this kind, and so choose how (staff-only news is not offered to residents).
    audience: Callable[[Any], bool] = field(default=lambda user: True)


def register_kind(app: Flask, kind: NotificationKind) -> None:
    """Make ``kind`` known to ``notify()`` and to the settings page."""
    app.extensions.setdefault("portal.notification_kinds", {})[kind.name] = kind


def get_kind(name: str) -> NotificationKind | None:
    return current_app.extensions.get("portal.notification_kinds", {}).get(name)


def all_kinds() -> list[NotificationKind]:
    return list(current_app.extensions.get("portal.notification_kinds", {}).values())


def choosable_kinds(user=None) -> list[NotificationKind]:
    """The kinds ``user`` (or anyone) may choose a delivery for, in the order registered."""
    return [kind for kind in all_kinds()
            if kind.choosable and (user is None or kind.audience(user))]
