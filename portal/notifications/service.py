"""Tell people what happened: in the portal, and by mail at once or in a daily digest."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from ..accounts.models import User
from ..accounts.privacy import DataSection, when
from ..accounts.service import users_by_id
from ..columns import utcnow
from ..database import read
from ..extensions import db
from ..mail.service import external_url, queue_mail
from .kinds import Link, NotificationKind, choosable_kinds, get_kind
from .models import Delivery, Notification, NotificationPreference


def delivery_for(user: User, kind: NotificationKind) -> Delivery:
    """How ``user`` hears of ``kind``: their choice, or the kind's default."""
    if not kind.choosable:
        return kind.default
    chosen = db.session.scalar(
        sa.select(NotificationPreference.delivery).where(
            NotificationPreference.user_id == user.id, NotificationPreference.kind == kind.name
        )
    )
    return chosen or kind.default


def notify(user: User, kind_name: str, *, obj_type: str | None = None,
           obj_id: int | None = None, params: dict[str, Any] | None = None) -> Notification | None:
    """Tell ``user`` something, in the caller's transaction: a notification, and mail as chosen.

    Mail goes only to a confirmed address; a deleted account is told nothing. ``params`` fill
    the kind's message and must be plain JSON values.
    """
    kind = get_kind(kind_name)
    if kind is None:
        raise LookupError(f"unknown notification kind {kind_name!r}")
    if user.deleted_at is not None:
        return None
    delivery = delivery_for(user, kind)
    mail = user.is_confirmed and delivery is not Delivery.portal
    notification = Notification(
        user_id=user.id, kind=kind.name, object_type=obj_type, object_id=obj_id,
        params=params or {}, created_at=utcnow(),
        awaiting_digest=mail and delivery is Delivery.daily,
    )
    db.session.add(notification)
    if mail and delivery is Delivery.immediately:
        queue_mail(
            to=user.email,
            locale=user.locale,
            subject=LazyString(notification_text, notification),
            template="notifications/notification",
            greeting_name=user.name,
            notification=notification,
            link=external_link(notification, user.locale),
            settings_link=external_url("notifications.settings", lang=user.locale),
        )
    return notification


def notification_text(notification: Notification) -> str:
    """What a notification says, in the current language."""
    kind = get_kind(notification.kind)
    if kind is None:
        return str(_l("A notification of a kind the portal no longer sends."))
    return str(kind.message) % kind.describe(dict(notification.params or {}))


def notification_link(notification: Notification) -> Link | None:
    """Where a notification leads (endpoint and values), or None."""
    kind = get_kind(notification.kind)
    return kind.link(notification) if kind is not None else None


def external_link(notification: Notification, locale: str) -> str | None:
    """The absolute address a notification leads to, in ``locale``, for mail."""
    link = notification_link(notification)
    if link is None:
        return None
    endpoint, values = link
    return external_url(endpoint, **{**values, "lang": locale})


def gone_objects(notifications: Iterable[Notification]) -> set[int]:
    """Ids of the notifications whose object has been deleted, with one query per kind."""
    by_kind: dict[str, list[Notification]] = defaultdict(list)
    for notification in notifications:
        if notification.object_id is not None:
            by_kind[notification.kind].append(notification)
    gone: set[int] = set()
    for name, items in by_kind.items():
        kind = get_kind(name)
        if kind is None or kind.existing is None:
            continue
        alive = kind.existing({n.object_id for n in items})
        gone.update(n.id for n in items if n.object_id not in alive)
    return gone


# Built once: the header runs it on every signed-in page.
_UNREAD = sa.select(sa.func.count()).where(
    Notification.user_id == sa.bindparam("user_id"), Notification.read_at.is_(None)
)


def unread_count(user: User) -> int:
    """How many of ``user``'s notifications are unread."""
    return read(_UNREAD, {"user_id": user.id}).scalar_one()


def notifications_of(user: User) -> sa.Select:
    """``user``'s notifications, newest first."""
    return (
        sa.select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )


def mark_read(user: User, notification_id: int) -> bool:
    """Mark one of ``user``'s own notifications as read; False when it is not theirs."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != user.id:
        return False
    if notification.read_at is None:
        notification.read_at = utcnow()
    return True


def mark_all_read(user: User) -> int:
    """Mark every unread notification of ``user`` as read; return how many."""
    result = db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return result.rowcount


def preferences_of(user: User, kinds: Iterable[NotificationKind]) -> dict[str, Delivery]:
    """``user``'s delivery for each kind, defaults included."""
    chosen = dict(
        db.session.execute(
            sa.select(NotificationPreference.kind, NotificationPreference.delivery).where(
                NotificationPreference.user_id == user.id
            )
        ).all()
    )
    return {kind.name: chosen.get(kind.name, kind.default) for kind in kinds}


def set_preferences(user: User, choices: dict[str, Delivery]) -> None:
    """Save ``user``'s delivery for each kind in ``choices`` (insert or update, race-safe)."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    for kind, delivery in choices.items():
        stmt = insert(NotificationPreference).values(
            user_id=user.id, kind=kind, delivery=delivery
        )
        db.session.execute(stmt.on_conflict_do_update(
            index_elements=["user_id", "kind"], set_={"delivery": stmt.excluded.delivery}
        ))


def send_digests() -> int:
    """Mail each person the notifications waiting for their digest; return how many mails.

    One transaction per person: their waiting notifications are locked (other digest runs
    skip them), mailed together and marked sent, so a second run mails nothing twice.
    """
    user_ids = db.session.scalars(
        sa.select(Notification.user_id).where(Notification.awaiting_digest).distinct()
    ).all()
    db.session.rollback()
    sent = 0
    for user_id in user_ids:
        waiting = db.session.scalars(
            sa.select(Notification)
            .where(Notification.user_id == user_id, Notification.awaiting_digest)
            .order_by(Notification.created_at, Notification.id)
            .with_for_update(skip_locked=True)
        ).all()
        user = users_by_id([user_id]).get(user_id)
        if waiting and user is not None and user.deleted_at is None and user.is_confirmed:
            gone = gone_objects(waiting)
            queue_mail(
                to=user.email,
                locale=user.locale,
                subject=_l("Your news from the Seoul Foreigner Portal"),
                template="notifications/digest",
                greeting_name=user.name,
                items=[
                    (n, None if n.id in gone else external_link(n, user.locale))
                    for n in waiting
                ],
                settings_link=external_url("notifications.settings", lang=user.locale),
            )
            sent += 1
        for notification in waiting:
            notification.awaiting_digest = False
        db.session.commit()
    return sent


def prune_notifications(*, older_than: timedelta) -> int:
    """Delete read notifications older than ``older_than``: they hold personal data."""
    cutoff = utcnow() - older_than
    result = db.session.execute(
        sa.delete(Notification).where(
            Notification.read_at.is_not(None), Notification.created_at < cutoff
        )
    )
    return result.rowcount


def forget_user(user: User, **extra: Any) -> None:
    """An account being erased takes its notifications and choices with it."""
    db.session.execute(sa.delete(Notification).where(Notification.user_id == user.id))
    db.session.execute(
        sa.delete(NotificationPreference).where(NotificationPreference.user_id == user.id)
    )


def export_notifications(user: User, *, data: dict[str, Any], **extra: Any) -> None:
    """Add the person's notifications and choices to their data export."""
    data["notifications"] = [
        {
            "kind": n.kind,
            "text": notification_text(n),
            "created_at": n.created_at.isoformat(),
            "read_at": n.read_at.isoformat() if n.read_at else None,
        }
        for n in db.session.scalars(notifications_of(user))
    ]
    data["notification_choices"] = {
        p.kind: p.delivery.name
        for p in db.session.scalars(
            sa.select(NotificationPreference).where(NotificationPreference.user_id == user.id)
        )
    }


def show_notifications(user: User, *, sections: list, **extra: Any) -> None:
    """Show the person their notifications and choices (the download holds them all)."""
    latest = db.session.scalars(notifications_of(user).limit(50)).all()
    sections.append(DataSection(_("Your notifications"), [
        (when(n.created_at), notification_text(n)) for n in latest
    ]))
    kinds = choosable_kinds(user)
    chosen = preferences_of(user, kinds)
    sections.append(DataSection(_("How we tell you"), [
        (str(kind.label), str(chosen[kind.name].label)) for kind in kinds
    ]))


def welcome(user: User, **extra: Any) -> None:
    """Greet a person whose address was just confirmed."""
    notify(user, "account.welcome")


def tell_password_changed(user: User, **extra: Any) -> None:
    """Keep a record of a password change in the person's notifications."""
    notify(user, "account.password_changed")


def tell_email_changed(user: User, **extra: Any) -> None:
    """Keep a record of an address change in the person's notifications."""
    notify(user, "account.email_changed", params={"email": user.email})
