"""Report rules: filing, the workflow from new to resolved, due times, and who is told what."""

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ..accounts.models import User
from ..accounts.privacy import DataSection
from ..accounts.signin import mark_confirmed
from ..audit import audit
from ..columns import utcnow
from ..contacts.models import Contact, Tier
from ..contacts.service import ContactSection, tier_of_user
from ..districts import District
from ..errors import Conflict, PermissionDenied, ValidationError
from ..extensions import db
from ..i18n import localized
from ..mail.service import external_url, queue_mail
from ..notifications.service import notify
from ..storage import get_storage
from .language import detect_language
from .models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    TIER_RANK,
    UNACKNOWLEDGED,
    CannedResponse,
    Category,
    EventKind,
    Report,
    ReportEvent,
    ReportFollow,
    ReportPhoto,
    ReportStatus,
    ResponseTarget,
    StaffLanguage,
    Team,
    TeamMember,
)
from .photos import MAX_PHOTOS, StoredPhoto
from .workdays import add_working_days

REOPEN_DAYS = 14

# DESIGN.md, "Tiers and affiliations": working days to acknowledge and to resolve.
DEFAULT_TARGETS: dict[Tier, tuple[int, int]] = {
    Tier.global_leaders: (1, 7),
    Tier.global_elite: (2, 10),
    Tier.next_generation: (3, 14),
    Tier.unclassified: (5, 20),
}


# -- Categories, teams, targets ---------------------------------------------------------------


def categories(*, active_only: bool = True) -> list[Category]:
    """The report categories in the order residents see them."""
    stmt = sa.select(Category).order_by(Category.position, Category.id)
    if active_only:
        stmt = stmt.where(Category.active.is_(True))
    return list(db.session.scalars(stmt))


def category_name(category: Category | None, lang: str | None = None) -> str:
    return localized(category.names, lang) if category is not None else ""


def get_category(category_id: int | None) -> Category | None:
    return db.session.get(Category, category_id) if category_id else None


def teams() -> list[Team]:
    return list(db.session.scalars(sa.select(Team).order_by(Team.code)))


def team_ids_of(user: User) -> list[int]:
    """The teams a staff member belongs to."""
    return list(db.session.scalars(
        sa.select(TeamMember.team_id).where(TeamMember.user_id == user.id)
    ))


def languages_of(user: User) -> list[str]:
    """The languages a staff member reads."""
    return list(db.session.scalars(
        sa.select(StaffLanguage.language).where(StaffLanguage.user_id == user.id)
        .order_by(StaffLanguage.language)
    ))


def set_languages(user: User, languages: Iterable[str]) -> None:
    """Record the languages a staff member reads."""
    db.session.execute(sa.delete(StaffLanguage).where(StaffLanguage.user_id == user.id))
    for language in sorted(set(languages)):
        db.session.add(StaffLanguage(user_id=user.id, language=language))


def follows_of(user: User) -> tuple[set[int], set[Tier]]:
    """The categories and tiers whose new reports a staff member follows."""
    rows = db.session.execute(sa.select(ReportFollow.category_id, ReportFollow.tier)
                              .where(ReportFollow.user_id == user.id)).all()
    return ({c for c, _t in rows if c is not None}, {t for _c, t in rows if t is not None})


def set_follows(user: User, *, category_ids: Iterable[int], tiers: Iterable[Tier]) -> None:
    """Record what a staff member follows (replacing what they followed before)."""
    db.session.execute(sa.delete(ReportFollow).where(ReportFollow.user_id == user.id))
    for category_id in sorted(set(category_ids)):
        db.session.add(ReportFollow(user_id=user.id, category_id=category_id))
    for tier in sorted(set(tiers), key=lambda t: t.value):
        db.session.add(ReportFollow(user_id=user.id, tier=tier))


def tell_followers(report: Report) -> int:
    """Tell the staff who follow its category or tier that a report arrived; return how many."""
    rows = db.session.execute(
        sa.select(ReportFollow.user_id, ReportFollow.category_id, ReportFollow.tier)
    ).all()
    follows: dict[int, tuple[set[int], set[Tier]]] = {}
    for user_id, category_id, tier in rows:
        categories_, tiers = follows.setdefault(user_id, (set(), set()))
        if category_id is not None:
            categories_.add(category_id)
        if tier is not None:
            tiers.add(tier)
    wanted = [user_id for user_id, (categories_, tiers) in follows.items()
              if (not categories_ or report.category_id in categories_)
              and (not tiers or report.tier in tiers)]
    if not wanted:
        return 0
    staff = db.session.scalars(sa.select(User).where(
        User.id.in_(wanted), User.deactivated_at.is_(None), User.deleted_at.is_(None)))
    told = 0
    for member in staff:
        if member.is_staff:
            notify(member, "reports.new", obj_type="report", obj_id=report.id,
                   params={"title": report.title, "category": report.category_id})
            told += 1
    return told


def readers_of(language: str | None) -> list[User]:
    """Staff members who read ``language``, to suggest when assigning."""
    if not language:
        return []
    return list(db.session.scalars(
        sa.select(User).join(StaffLanguage, StaffLanguage.user_id == User.id)
        .where(StaffLanguage.language == language, User.deactivated_at.is_(None))
        .order_by(User.name)
    ))


def targets() -> dict[Tier, tuple[int, int]]:
    """Working days to acknowledge and to resolve, per tier: the admins' or the defaults."""
    chosen = {
        row.tier: (row.acknowledge_days, row.resolve_days)
        for row in db.session.scalars(sa.select(ResponseTarget))
    }
    return {tier: chosen.get(tier, DEFAULT_TARGETS[tier]) for tier in Tier}


def canned_responses(kind=None) -> list[CannedResponse]:
    stmt = sa.select(CannedResponse).order_by(CannedResponse.id)
    if kind is not None:
        stmt = stmt.where(CannedResponse.kind == kind)
    return list(db.session.scalars(stmt))


# -- Loading and permissions ------------------------------------------------------------------


def get_report(report_id: int, viewer: User) -> Report:
    """The report with this id if ``viewer`` may see it: its reporter, or staff."""
    report = db.session.get(Report, report_id)
    if report is None:
        raise LookupError(report_id)
    if not (viewer.is_staff or report.reporter_id == viewer.id):
        raise PermissionDenied(_("This report is not yours."))
    return report


def reports_of(user: User) -> sa.Select:
    """A resident's own reports, newest first."""
    return (sa.select(Report).where(Report.reporter_id == user.id)
            .order_by(Report.created_at.desc(), Report.id.desc()))


def timeline(report: Report, *, public_only: bool) -> list[ReportEvent]:
    """A report's timeline, oldest first; residents see only its public entries."""
    stmt = (sa.select(ReportEvent).where(ReportEvent.report_id == report.id)
            .options(sa.orm.joinedload(ReportEvent.actor))
            .order_by(ReportEvent.created_at, ReportEvent.id))
    events = list(db.session.scalars(stmt))
    return [event for event in events if event.public] if public_only else events


def photos_of(report: Report) -> list[ReportPhoto]:
    return list(db.session.scalars(
        sa.select(ReportPhoto).where(ReportPhoto.report_id == report.id).order_by(ReportPhoto.id)
    ))


def get_photo(report: Report, photo_id: int) -> ReportPhoto:
    photo = db.session.get(ReportPhoto, photo_id)
    if photo is None or photo.report_id != report.id:
        raise LookupError(photo_id)
    return photo


def existing_report_ids(ids: set[int]) -> set[int]:
    """Which of these reports still exist (for notifications about them)."""
    if not ids:
        return set()
    return set(db.session.scalars(sa.select(Report.id).where(Report.id.in_(ids))))


def received_reports(
    *, ids: Iterable[int] | None = None, category_ids: Iterable[int] | None = None,
    statuses: Iterable[ReportStatus] | None = None, start: datetime | None = None,
    end: datetime | None = None, also_of: int | None = None, limit: int,
) -> list[Report]:
    """Received reports other systems may read, the most recently received first.

    Only reports whose authors allowed them in public statistics, and, with ``also_of``, the
    reports of that account (an API client's own requests).
    """
    shown = Report.public_stats.is_(True)
    if also_of is not None:
        shown = sa.or_(shown, Report.reporter_id == also_of)
    stmt = (
        sa.select(Report)
        .where(Report.status != ReportStatus.pending, Report.received_at.is_not(None), shown)
        .options(sa.orm.joinedload(Report.category), sa.orm.joinedload(Report.team))
        .order_by(Report.received_at.desc(), Report.id.desc())
        .limit(limit)
    )
    if ids is not None:
        stmt = stmt.where(Report.id.in_(list(ids)))
    if category_ids is not None:
        stmt = stmt.where(Report.category_id.in_(list(category_ids)))
    if statuses is not None:
        stmt = stmt.where(Report.status.in_(sorted(statuses, key=lambda s: s.name)))
    if start is not None:
        stmt = stmt.where(Report.received_at >= start)
    if end is not None:
        stmt = stmt.where(Report.received_at <= end)
    return list(db.session.scalars(stmt).unique())


# The city's messages that tell a reporter where their report stands.
CITY_MESSAGE_KINDS = (EventKind.reply, EventKind.status)


def last_city_messages(report_ids: Iterable[int]) -> dict[int, str]:
    """The city's last public message on each report (a reply, or a status change's note)."""
    ids = list(report_ids)
    if not ids:
        return {}
    latest = (
        sa.select(sa.func.max(ReportEvent.id))
        .join(Report, Report.id == ReportEvent.report_id)
        .where(ReportEvent.report_id.in_(ids), ReportEvent.kind.in_(CITY_MESSAGE_KINDS),
               ReportEvent.message.is_not(None), ReportEvent.message != "",
               # A reporter's own words (the reason they reopened it) are not the city's.
               ReportEvent.actor_id.is_distinct_from(Report.reporter_id))
        .group_by(ReportEvent.report_id)
    )
    rows = db.session.execute(
        sa.select(ReportEvent.report_id, ReportEvent.message).where(ReportEvent.id.in_(latest))
    )
    return dict(rows.all())


def report_names(ids: set[int]) -> dict[int, str]:
    """Reports as the audit log names them: "#12 Title"."""
    if not ids:
        return {}
    rows = db.session.execute(sa.select(Report.id, Report.title).where(Report.id.in_(ids)))
    return {report_id: f"#{report_id} {title}" for report_id, title in rows}


# -- Filing -----------------------------------------------------------------------------------


def file_report(
    *, reporter: User, category: Category, district: District | None, title: str,
    description: str, place: str | None = None, latitude: float | None = None,
    longitude: float | None = None, urgent: bool = False, public_stats: bool = False,
    photos: Sequence[StoredPhoto] = (), now: datetime | None = None, hold: bool = False,
) -> Report:
    """File a report; it enters the queue now, or when the reporter confirms their address.

    ``hold`` keeps it waiting even for a confirmed address: someone without a session wrote
    it with an address that has an account, and the owner must confirm it is theirs.
    """
    if not category.active:
        raise ValidationError("category", _("Choose one of the options in the list."))
    if len(photos) > MAX_PHOTOS:
        raise ValidationError("photos", _("Add at most %(num)d photos.", num=MAX_PHOTOS))
    if (latitude is None) != (longitude is None):
        raise ValidationError("latitude", _("Give both the latitude and the longitude."))
    now = now or utcnow()
    report = Report(
        reporter_id=reporter.id, category_id=category.id, team_id=category.team_id,
        district=district, place=(place or "").strip() or None, latitude=latitude,
        longitude=longitude, title=title.strip(), description=description.strip(),
        language=detect_language(f"{title}\n{description}"), urgent=urgent,
        public_stats=public_stats, status=ReportStatus.pending, created_at=now, held=hold,
    )
    report.category = category
    db.session.add(report)
    db.session.flush()
    _event(report, EventKind.submitted, actor=reporter, at=now)
    for photo in photos:
        add_photo(report, photo)
    if reporter.is_confirmed and not hold:
        receive(report, now=now)
    return report


def _confirm_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="report-confirm")


def report_confirm_token(report: Report) -> str:
    """A link's token by which the owner of an address confirms a report written under it."""
    return _confirm_serializer().dumps({"r": report.id, "u": report.reporter_id,
                                        "e": report.reporter.email})


def ask_owner_to_confirm(report: Report) -> None:
    """Mail the owner of the address a held report was written under a link to confirm it."""
    owner = report.reporter
    queue_mail(
        to=owner.email, locale=owner.locale,
        subject=_l("Confirm the report you wrote"),
        template="reports/confirm_report",
        greeting_name=owner.name if owner.is_confirmed else None,
        link=external_url("reports.confirm", lang=owner.locale,
                          token=report_confirm_token(report)),
        hours=current_app.config["CONFIRM_TOKEN_MAX_AGE"] // 3600,
    )


def confirm_held_report(token: str) -> Report:
    """Send a held report into the queue from its link; the address is proven too."""
    invalid = ValidationError(None, _("This confirmation link is not valid."))
    try:
        payload = _confirm_serializer().loads(
            token, max_age=current_app.config["CONFIRM_TOKEN_MAX_AGE"])
    except SignatureExpired as error:
        raise ValidationError(None, _("This confirmation link has expired. Sign in and write "
                                      "your report again.")) from error
    except BadSignature as error:
        raise invalid from error
    report = db.session.get(Report, payload.get("r")) if isinstance(payload, dict) else None
    if (report is None or report.reporter_id != payload.get("u")
            or report.reporter.email != payload.get("e") or report.reporter.deleted_at):
        raise invalid
    mark_confirmed(report.reporter)  # the mailbox is theirs: its pending reports go in
    if report.status is ReportStatus.pending:
        report.held = False
        receive(report)
    return report


def add_photo(report: Report, photo: StoredPhoto, *, event: ReportEvent | None = None):
    """Attach a checked, stored photo to a report, unless it already belongs to one.

    A form sent twice (a double click after a retry) carries the same kept photos; the second
    report goes without them rather than failing.
    """
    row = ReportPhoto(report_id=report.id, event_id=event.id if event else None,
                      storage_key=photo.key, width=photo.width, height=photo.height,
                      size=photo.size)
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except sa.exc.IntegrityError:
        return None
    return row


def discard_unattached(keys: Iterable[str]) -> None:
    """Delete stored photos that no report holds (those a form kept and then let go)."""
    keys = set(keys)
    if not keys:
        return
    attached = set(db.session.scalars(
        sa.select(ReportPhoto.storage_key).where(ReportPhoto.storage_key.in_(keys))))
    for key in keys - attached:
        get_storage().delete(key)


def prune_photos(*, older_than_hours: float) -> int:
    """Delete stored photos older than the given age that no report holds; return how many.

    A form keeps its checked photos while the person corrects it; one never sent leaves them.
    """
    removed = 0
    batch: list[str] = []

    def flush() -> int:
        attached = set(db.session.scalars(
            sa.select(ReportPhoto.storage_key).where(ReportPhoto.storage_key.in_(batch))))
        for key in batch:
            if key not in attached:
                get_storage().delete(key)
        gone = len(batch) - len(attached)
        batch.clear()
        return gone

    for key in get_storage().keys_older_than(older_than_hours * 3600):
        batch.append(key)
        if len(batch) >= 500:
            removed += flush()
    if batch:
        removed += flush()
    return removed


def photo_count(report: Report) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(ReportPhoto)
        .where(ReportPhoto.report_id == report.id)
    ) or 0


def receive(report: Report, *, now: datetime | None = None) -> None:
    """Put a report in the queue: its clock starts, due times come from the reporter's tier."""
    now = now or utcnow()
    tier = tier_of_user(report.reporter_id)
    acknowledge_days, resolve_days = targets()[tier]
    report.status = ReportStatus.new
    report.tier_rank = TIER_RANK[tier]
    report.received_at = now
    report.acknowledge_due_at = add_working_days(now, acknowledge_days)
    report.resolve_due_at = add_working_days(now, resolve_days)
    report.due_at = report.acknowledge_due_at
    # A receipt with the report's number, as a city office gives one at the counter.
    notify(report.reporter, "reports.received", obj_type="report", obj_id=report.id,
           params={"title": report.title, "number": report.id})
    tell_followers(report)


def receive_pending_reports(user: User, **extra: Any) -> None:
    """A confirmed address sends the reports written before it into the queue."""
    pending = db.session.scalars(sa.select(Report).where(
        Report.reporter_id == user.id, Report.status == ReportStatus.pending,
        Report.held.is_(False),
    ))
    for report in pending:
        receive(report)


def forget_pending_reports(user: User, **extra: Any) -> None:
    """An account deleted before confirming takes its unsent reports and their photos along.

    Reports the city received stay with it, without the reporter's name (accounts erases it).
    """
    pending = list(db.session.scalars(sa.select(Report).where(
        Report.reporter_id == user.id, Report.status == ReportStatus.pending
    )))
    for report in pending:
        for photo in photos_of(report):
            get_storage().delete(photo.storage_key)
        db.session.delete(report)


def follow_tier(contact: Contact, **extra: Any) -> None:
    """A reclassified reporter's open reports take their new place in the queue.

    Due times stay as they were set when each report arrived.
    """
    if contact.user_id is None:
        return
    db.session.execute(
        sa.update(Report)
        .where(Report.reporter_id == contact.user_id,
               Report.status.in_(list(OPEN_STATUSES)))
        .values(tier_rank=TIER_RANK[contact.tier], version=Report.version + 1)
        .execution_options(synchronize_session=False)
    )


def follow_tiers(contacts: list[Contact], **extra: Any) -> None:
    """Many reclassified reporters' open reports take their new places: one statement a tier."""
    by_tier: dict[Tier, list[int]] = {}
    for contact in contacts:
        if contact.user_id is not None:
            by_tier.setdefault(contact.tier, []).append(contact.user_id)
    for tier, user_ids in by_tier.items():
        for start in range(0, len(user_ids), 500):
            db.session.execute(
                sa.update(Report)
                .where(Report.reporter_id.in_(user_ids[start:start + 500]),
                       Report.status.in_(list(OPEN_STATUSES)))
                .values(tier_rank=TIER_RANK[tier], version=Report.version + 1)
                .execution_options(synchronize_session=False)
            )


# -- The workflow -----------------------------------------------------------------------------

# Which statuses each staff action may start from.
ACTIONS: dict[str, tuple[frozenset[ReportStatus], ReportStatus]] = {
    "acknowledge": (frozenset({ReportStatus.new, ReportStatus.reopened}),
                    ReportStatus.acknowledged),
    "start": (frozenset({ReportStatus.new, ReportStatus.acknowledged, ReportStatus.reopened}),
              ReportStatus.in_progress),
    "resolve": (OPEN_STATUSES, ReportStatus.resolved),
    "decline": (OPEN_STATUSES, ReportStatus.declined),
    "duplicate": (OPEN_STATUSES, ReportStatus.duplicate),
    "refer": (OPEN_STATUSES, ReportStatus.referred),
    "ask": (OPEN_STATUSES - {ReportStatus.waiting}, ReportStatus.waiting),
}


def allowed_actions(report: Report) -> list[str]:
    """The staff actions that may be taken on this report now."""
    return [name for name, (sources, _target) in ACTIONS.items() if report.status in sources]


def changed_meanwhile() -> str:
    """Why a change made from an older view of a report was refused."""
    return _("Someone else changed this report while you were working on it. Check its "
             "timeline below, then save your change again: what you wrote is kept.")


def check_version(report: Report, version: int | None) -> None:
    """Refuse a change made from an older view of the report (someone saved meanwhile)."""
    if version is not None and version != report.version:
        raise Conflict(changed_meanwhile())


def change_status(
    report: Report, action: str, *, by: User, message: str | None = None,
    duplicate_of: Report | None = None, version: int | None = None,
    now: datetime | None = None,
) -> ReportEvent:
    """Move a report along its workflow, write its timeline and the audit log, tell its reporter.

    ``message`` is a public message to the reporter (required to decline, to refer and to ask
    a question); ``duplicate_of`` is the report this one repeats.
    """
    check_version(report, version)
    sources, target = ACTIONS[action]
    if report.status not in sources:
        raise Conflict(_("That cannot be done while the report’s status is “%(status)s”.",
                         status=report.status.label))
    message = (message or "").strip() or None
    if action in ("decline", "refer", "ask") and not message:
        field = {"decline": "reason", "refer": "message", "ask": "question"}[action]
        raise ValidationError(field, _("This field is required."))
    if action == "duplicate" and (duplicate_of is None or duplicate_of.id == report.id):
        raise ValidationError("duplicate_of", _("Give the number of another report."))
    now = now or utcnow()
    before = report.status
    if before is ReportStatus.waiting:
        _resume_clock(report, now)
    report.status = target
    details: dict[str, Any] = {}
    if target is ReportStatus.acknowledged or (
        before in UNACKNOWLEDGED and report.acknowledged_at is None
        and target is not ReportStatus.waiting
    ):
        report.acknowledged_at = report.acknowledged_at or now
    if target is ReportStatus.waiting:
        report.paused_at = now
        details["resume"] = before.name
    elif target in CLOSED_STATUSES:
        report.closed_at = now
        if target is ReportStatus.resolved:
            report.resolved_at = now
    if target is ReportStatus.duplicate:
        report.duplicate_of_id = duplicate_of.id
        details["duplicate_of"] = duplicate_of.id
    _update_due(report)
    kind = EventKind.question if target is ReportStatus.waiting else EventKind.status
    event = _event(report, kind, actor=by, at=now, before=before, after=target,
                   message=message, details=details or None)
    audit(f"report.{action}", actor=by, obj_type="report", obj_id=report.id,
          before={"status": before.name}, after={"status": target.name, **details})
    notify(report.reporter, "reports.status", obj_type="report", obj_id=report.id,
           params={"title": report.title, "status": target.name})
    return event


def _update_due(report: Report) -> None:
    """The next due time: acknowledgement until acknowledged, then resolution; none if closed."""
    if report.status in CLOSED_STATUSES or report.status is ReportStatus.waiting:
        report.due_at = None
    elif report.status in UNACKNOWLEDGED and report.acknowledged_at is None:
        report.due_at = report.acknowledge_due_at
    else:
        report.due_at = report.resolve_due_at


def _resume_clock(report: Report, now: datetime) -> None:
    """Move the due times on by as long as the report waited for its reporter."""
    if report.paused_at is None:
        return
    paused = now - report.paused_at
    if report.acknowledge_due_at and report.acknowledged_at is None:
        report.acknowledge_due_at += paused
    if report.resolve_due_at:
        report.resolve_due_at += paused
    report.paused_at = None


def reply(report: Report, *, by: User, message: str, version: int | None = None) -> ReportEvent:
    """Send the reporter a public reply, written on their report's timeline."""
    check_version(report, version)
    message = message.strip()
    if not message:
        raise ValidationError("message", _("This field is required."))
    event = _event(report, EventKind.reply, actor=by, message=message)
    _touch(report)
    audit("report.reply", actor=by, obj_type="report", obj_id=report.id)
    notify(report.reporter, "reports.reply", obj_type="report", obj_id=report.id,
           params={"title": report.title})
    return event


def add_note(report: Report, *, by: User, message: str) -> ReportEvent:
    """Add an internal note that the reporter never sees."""
    message = message.strip()
    if not message:
        raise ValidationError("note", _("This field is required."))
    event = _event(report, EventKind.note, actor=by, message=message)
    audit("report.note", actor=by, obj_type="report", obj_id=report.id)
    return event


def assign(report: Report, *, by: User, assignee: User | None,
           version: int | None = None) -> None:
    """Give a report to a staff member (or to nobody)."""
    check_version(report, version)
    if assignee is not None and not assignee.is_staff:
        raise ValidationError("assignee", _("Choose one of the options in the list."))
    before = report.assignee_id
    new = assignee.id if assignee else None
    if before == new:
        return
    report.assignee_id = new
    _event(report, EventKind.assigned, actor=by, details={"assignee": new})
    audit("report.assign", actor=by, obj_type="report", obj_id=report.id,
          before={"assignee": before}, after={"assignee": new})


def change_category(report: Report, *, by: User, category: Category,
                    version: int | None = None) -> None:
    """File a report under another category, and so with that category's team."""
    check_version(report, version)
    if category.id == report.category_id:
        return
    before = report.category_id
    report.category = category
    report.category_id = category.id
    report.team_id = category.team_id
    _event(report, EventKind.category, actor=by, details={"from": before, "to": category.id})
    audit("report.category", actor=by, obj_type="report", obj_id=report.id,
          before={"category": before}, after={"category": category.id})


# -- What the reporter does -------------------------------------------------------------------


def follow_up(report: Report, *, by: User, message: str,
              photos: Sequence[StoredPhoto] = ()) -> ReportEvent:
    """Add the reporter's message (and photos) to their open report; an answer resumes it."""
    if report.reporter_id != by.id:
        raise PermissionDenied(_("This report is not yours."))
    if not report.is_open:
        raise Conflict(_("This report is closed: you can no longer add to it."))
    message = message.strip()
    if not message and not photos:
        raise ValidationError("message", _("Write a message or add a photo."))
    if photo_count(report) + len(photos) > MAX_PHOTOS:
        raise ValidationError("photos", _("A report holds at most %(num)d photos.",
                                          num=MAX_PHOTOS))
    now = utcnow()
    event = _event(report, EventKind.follow_up, actor=by, at=now, message=message or None)
    db.session.flush()
    for photo in photos:
        add_photo(report, photo, event=event)
    if report.status is ReportStatus.waiting:
        # The answer the city asked for: the report goes back where it was, its clock resumes.
        question = db.session.scalar(
            sa.select(ReportEvent).where(ReportEvent.report_id == report.id,
                                         ReportEvent.kind == EventKind.question)
            .order_by(ReportEvent.id.desc()).limit(1)
        )
        resume = (question.details or {}).get("resume") if question else None
        target = ReportStatus.__members__.get(resume or "", ReportStatus.acknowledged)
        _resume_clock(report, now)
        _event(report, EventKind.status, actor=by, at=now, before=ReportStatus.waiting,
               after=target)
        report.status = target
        _update_due(report)
    _touch(report)
    return event


def can_reopen(report: Report, now: datetime | None = None) -> bool:
    """Whether the reporter may still reopen this resolved report."""
    now = now or utcnow()
    return (report.status is ReportStatus.resolved and report.resolved_at is not None
            and now - report.resolved_at <= timedelta(days=REOPEN_DAYS))


def reopen(report: Report, *, by: User, reason: str, now: datetime | None = None) -> None:
    """Reopen a resolved report within 14 days, with the reporter's reason."""
    if report.reporter_id != by.id:
        raise PermissionDenied(_("This report is not yours."))
    now = now or utcnow()
    if not can_reopen(report, now):
        raise Conflict(_("A report can be reopened only within %(days)d days of being "
                         "resolved.", days=REOPEN_DAYS))
    reason = reason.strip()
    if not reason:
        raise ValidationError("reason", _("This field is required."))
    tier = report.tier
    acknowledge_days, resolve_days = targets()[tier]
    report.status = ReportStatus.reopened
    report.acknowledged_at = None
    report.resolved_at = None
    report.closed_at = None
    report.rating = None
    report.rating_comment = None
    report.acknowledge_due_at = add_working_days(now, acknowledge_days)
    report.resolve_due_at = add_working_days(now, resolve_days)
    _update_due(report)
    _event(report, EventKind.status, actor=by, at=now, before=ReportStatus.resolved,
           after=ReportStatus.reopened, message=reason)


def rate(report: Report, *, by: User, rating: int, comment: str | None = None) -> None:
    """Let the reporter rate how their resolved report was handled (1 to 5)."""
    if report.reporter_id != by.id:
        raise PermissionDenied(_("This report is not yours."))
    if report.status is not ReportStatus.resolved:
        raise Conflict(_("Only a resolved report can be rated."))
    if not 1 <= rating <= 5:
        raise ValidationError("rating", _("Choose one of the options in the list."))
    report.rating = rating
    report.rating_comment = (comment or "").strip() or None
    _event(report, EventKind.rating, actor=by, message=report.rating_comment,
           details={"rating": rating})


# -- Helpers ----------------------------------------------------------------------------------


def _event(report: Report, kind: EventKind, *, actor: User | None, at: datetime | None = None,
           before: ReportStatus | None = None, after: ReportStatus | None = None,
           message: str | None = None, details: dict | None = None) -> ReportEvent:
    event = ReportEvent(report_id=report.id, kind=kind, actor_id=actor.id if actor else None,
                        from_status=before, to_status=after, message=message,
                        details=details, created_at=at or utcnow())
    db.session.add(event)
    return event


def _touch(report: Report) -> None:
    """Count a change to the report's timeline as a change of the report (its version)."""
    report.updated_at = utcnow()


def is_overdue(report: Report, now: datetime | None = None) -> bool:
    return report.due_at is not None and report.due_at < (now or utcnow())


# -- The person's own data --------------------------------------------------------------------


def show_on_contact_page(contact: Contact, *, sections: list, **extra: Any) -> None:
    """Show staff, on a contact's page, the reports the person sent (the latest 20)."""
    if contact.user_id is None:
        return
    stmt = sa.select(Report).where(Report.reporter_id == contact.user_id,
                                   Report.status != ReportStatus.pending)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery())) or 0
    latest = list(db.session.scalars(stmt.order_by(Report.created_at.desc()).limit(20)))
    sections.append(ContactSection(_("Reports"), "reports/contact_section.html",
                                   {"reports": latest, "total": total}, order=10))


def export_reports(user: User, *, data: dict[str, Any], **extra: Any) -> None:
    """Add the person's reports, with their public timelines, to their data export."""
    rows = list(db.session.scalars(reports_of(user)))
    data["reports"] = [{
        "id": report.id,
        "category": category_name(report.category, "en"),
        "district": report.district.name if report.district else None,
        "place": report.place,
        "latitude": report.latitude,
        "longitude": report.longitude,
        "title": report.title,
        "description": report.description,
        "urgent": report.urgent,
        "public_stats": report.public_stats,
        "status": report.status.name,
        "created_at": report.created_at.isoformat(),
        "rating": report.rating,
        "rating_comment": report.rating_comment,
        "timeline": [{
            "kind": event.kind.name, "at": event.created_at.isoformat(),
            "status": event.to_status.name if event.to_status else None,
            "message": event.message,
        } for event in timeline(report, public_only=True)],
    } for report in rows]


def show_reports(user: User, *, sections: list, **extra: Any) -> None:
    """Show the person how many reports the portal keeps from them."""
    count = db.session.scalar(
        sa.select(sa.func.count()).select_from(Report).where(Report.reporter_id == user.id)
    ) or 0
    if count:
        sections.append(DataSection(_("Your reports"), [
            (_("Reports you sent"), str(count)),
        ]))


# -- Several reports at once ------------------------------------------------------------------

BULK_ACTIONS = ("assign", "acknowledge", "category")


def reports_by_ids(ids: Iterable[int]) -> list[Report]:
    """The reports with these ids, in id order, in one query."""
    wanted = sorted(set(ids))
    if not wanted:
        return []
    return list(db.session.scalars(
        sa.select(Report).where(Report.id.in_(wanted)).order_by(Report.id)
    ))


def bulk_change(reports: Sequence[Report], action: str, *, by: User,
                assignee: User | None = None, category: Category | None = None
                ) -> tuple[int, int]:
    """Assign, acknowledge or re-categorise several reports; return (changed, skipped).

    A report the action does not fit (acknowledging one already acknowledged) is skipped, not
    refused, so one odd report does not stop the rest.
    """
    changed = skipped = 0
    for report in reports:
        if action == "acknowledge":
            if report.status not in ACTIONS["acknowledge"][0]:
                skipped += 1
                continue
            change_status(report, "acknowledge", by=by)
        elif action == "assign":
            if report.assignee_id == (assignee.id if assignee else None):
                skipped += 1
                continue
            assign(report, by=by, assignee=assignee)
        elif action == "category" and category is not None:
            if report.category_id == category.id:
                skipped += 1
                continue
            change_category(report, by=by, category=category)
        else:
            raise ValidationError("action", _("Choose one of the options in the list."))
        changed += 1
    return changed, skipped


# -- What administrators set ------------------------------------------------------------------


def get_team(team_id: int) -> Team | None:
    return db.session.get(Team, team_id)


def team_members(team: Team) -> list[int]:
    return list(db.session.scalars(
        sa.select(TeamMember.user_id).where(TeamMember.team_id == team.id)
    ))


def save_category(category: Category | None, *, by: User, code: str, names: dict[str, str],
                  team_id: int | None, position: int, catch_all: bool,
                  active: bool) -> Category:
    """Add or change a category; its code is unique."""
    taken = db.session.scalar(sa.select(Category.id).where(Category.code == code))
    if taken is not None and (category is None or taken != category.id):
        raise ValidationError("code", _("Another category has this code."))
    created = category is None
    category = category or Category()
    before = None if created else {"code": category.code, "names": category.names,
                                   "team": category.team_id, "active": category.active}
    category.code, category.names, category.team_id = code, names, team_id
    category.position, category.catch_all, category.active = position, catch_all, active
    db.session.add(category)
    db.session.flush()
    audit("report_category.create" if created else "report_category.update", actor=by,
          obj_type="report_category", obj_id=category.id, before=before,
          after={"code": code, "names": names, "team": team_id, "active": active})
    return category


def save_team(team: Team | None, *, by: User, code: str, names: dict[str, str],
              member_ids: Iterable[int]) -> Team:
    """Add or change a team and who belongs to it."""
    taken = db.session.scalar(sa.select(Team.id).where(Team.code == code))
    if taken is not None and (team is None or taken != team.id):
        raise ValidationError("code", _("Another team has this code."))
    created = team is None
    team = team or Team()
    team.code, team.names = code, names
    db.session.add(team)
    db.session.flush()
    before = None if created else sorted(team_members(team))
    db.session.execute(sa.delete(TeamMember).where(TeamMember.team_id == team.id))
    members = sorted(set(member_ids))
    for user_id in members:
        db.session.add(TeamMember(team_id=team.id, user_id=user_id))
    audit("report_team.create" if created else "report_team.update", actor=by,
          obj_type="report_team", obj_id=team.id,
          before=None if created else {"members": before},
          after={"code": code, "names": names, "members": members})
    return team


def save_canned(canned: CannedResponse | None, *, by: User, kind, names: dict[str, str],
                texts: dict[str, str]) -> CannedResponse:
    """Add or change a prepared reply or referral text."""
    if "en" not in texts:
        raise ValidationError("text_en", _("This field is required."))
    created = canned is None
    canned = canned or CannedResponse()
    canned.kind, canned.names, canned.texts = kind, names, texts
    db.session.add(canned)
    db.session.flush()
    audit("report_canned.create" if created else "report_canned.update", actor=by,
          obj_type="report_canned", obj_id=canned.id, after={"kind": kind.name})
    return canned


def set_targets(chosen: dict[Tier, tuple[int, int]], *, by: User) -> None:
    """Set each tier's response targets; reports already received keep their due times."""
    before = {tier.name: list(days) for tier, days in targets().items()}
    for tier, (acknowledge_days, resolve_days) in chosen.items():
        if acknowledge_days > resolve_days:
            raise ValidationError(f"acknowledge_{tier.name}", _(
                "The days to acknowledge cannot be more than the days to resolve."))
        row = db.session.get(ResponseTarget, tier) or ResponseTarget(tier=tier)
        row.acknowledge_days, row.resolve_days = acknowledge_days, resolve_days
        db.session.add(row)
    audit("report_targets.update", actor=by, obj_type="report_targets", obj_id=None,
          before=before, after={tier.name: list(days) for tier, days in chosen.items()})


def category_names_by_id(ids: set[int]) -> dict[int, str]:
    """Categories as the audit log names them."""
    if not ids:
        return {}
    return {c.id: category_name(c) for c in db.session.scalars(
        sa.select(Category).where(Category.id.in_(ids)))}


def team_names_by_id(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {t.id: localized(t.names) for t in db.session.scalars(
        sa.select(Team).where(Team.id.in_(ids)))}
