"""Report rules: who enters the queue when, due times by tier, the workflow and its records."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from portal.audit import AuditLog
from portal.contacts.models import Tier
from portal.contacts.service import classify_user
from portal.errors import Conflict, PermissionDenied, ValidationError
from portal.extensions import db
from portal.notifications.models import Notification
from portal.reports import service
from portal.reports.models import (
    EventKind,
    Report,
    ReportEvent,
    ReportStatus,
    ResponseTarget,
)
from portal.reports.queue import QueueFilters, queue
from portal.reports.workdays import add_working_days

# A Monday morning in Seoul with no public holiday in the following weeks.
MONDAY = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


@pytest.fixture
def ctx(app):
    with app.test_request_context("/en/"):
        yield


def file(reporter, categories, **values):
    values = {"district": None, "title": "No heating", "description": "Cold flat.",
              **values}
    category = categories[values.pop("category", "housing")]
    report = service.file_report(reporter=reporter, category=category, **values)
    db.session.flush()
    return report


def in_tier(user, tier, staff):
    classify_user(user, tier=tier, affiliation=None, by=staff)
    db.session.flush()
    return user


def test_a_confirmed_residents_report_enters_the_queue_with_due_times_of_their_tier(
        ctx, categories, create_user, staff_user):
    leader = in_tier(create_user(), Tier.global_leaders, staff_user)
    report = file(leader, categories, now=MONDAY)
    assert report.status is ReportStatus.new
    assert report.received_at == MONDAY
    assert report.tier is Tier.global_leaders
    assert report.acknowledge_due_at == add_working_days(MONDAY, 1)
    assert report.resolve_due_at == add_working_days(MONDAY, 7)
    assert report.due_at == report.acknowledge_due_at
    assert report.team_id == categories["housing"].team_id


def test_admins_targets_replace_the_defaults(ctx, categories, resident):
    db.session.add(ResponseTarget(tier=Tier.unclassified, acknowledge_days=2,
                                  resolve_days=9))
    db.session.flush()
    report = file(resident, categories, now=MONDAY)
    assert report.acknowledge_due_at == add_working_days(MONDAY, 2)
    assert report.resolve_due_at == add_working_days(MONDAY, 9)


def test_an_unconfirmed_reporters_report_waits_unseen_until_the_address_is_confirmed(
        ctx, categories, create_user, staff_user):
    newcomer = create_user(confirmed=False)
    report = file(newcomer, categories, now=MONDAY)
    assert report.status is ReportStatus.pending
    assert report.received_at is None and report.due_at is None
    ids = lambda: [r.id for r in db.session.scalars(  # noqa: E731
        queue(QueueFilters(view="all"), viewer=staff_user))]
    assert report.id not in ids()
    service.receive_pending_reports(newcomer)
    db.session.flush()
    assert report.status is ReportStatus.new
    # The clock starts at confirmation, not when the report was written.
    assert report.received_at > MONDAY
    assert report.id in ids()


def test_the_queue_puts_urgent_first_then_tier_then_due_time(ctx, categories, create_user,
                                                              staff_user):
    plain = file(create_user(), categories, now=MONDAY - timedelta(days=7), title="plain")
    elite = file(in_tier(create_user(), Tier.global_elite, staff_user), categories,
                 now=MONDAY, title="elite")
    leader = file(in_tier(create_user(), Tier.global_leaders, staff_user), categories,
                  now=MONDAY, title="leader")
    urgent = file(create_user(), categories, now=MONDAY, urgent=True, title="urgent")
    older_leader = file(in_tier(create_user(), Tier.global_leaders, staff_user), categories,
                        now=MONDAY - timedelta(days=1), title="older leader")
    order = [r.title for r in db.session.scalars(queue(QueueFilters(), viewer=staff_user))]
    assert order == [urgent.title, older_leader.title, leader.title, elite.title, plain.title]


def test_a_reclassified_reporter_moves_in_the_queue_but_keeps_due_times(
        ctx, categories, create_user, staff_user):
    reporter = create_user()
    report = file(reporter, categories, now=MONDAY)
    due = report.resolve_due_at
    in_tier(reporter, Tier.global_leaders, staff_user)
    db.session.refresh(report)
    assert report.tier is Tier.global_leaders
    assert report.resolve_due_at == due


def test_the_workflow_records_each_step_and_tells_the_reporter(ctx, categories, resident,
                                                                staff_user):
    report = file(resident, categories, now=MONDAY)
    service.change_status(report, "acknowledge", by=staff_user, now=MONDAY + timedelta(hours=2))
    assert report.acknowledged_at == MONDAY + timedelta(hours=2)
    assert report.due_at == report.resolve_due_at
    service.change_status(report, "start", by=staff_user)
    service.change_status(report, "resolve", by=staff_user, message="Fixed.")
    db.session.flush()
    assert report.status is ReportStatus.resolved and report.due_at is None
    steps = db.session.execute(
        sa.select(ReportEvent.kind, ReportEvent.to_status).where(ReportEvent.report_id ==
                                                                 report.id)
        .order_by(ReportEvent.id)
    ).all()
    assert steps == [(EventKind.submitted, None), (EventKind.status, ReportStatus.acknowledged),
                     (EventKind.status, ReportStatus.in_progress),
                     (EventKind.status, ReportStatus.resolved)]
    actions = db.session.scalars(
        sa.select(AuditLog.action).where(AuditLog.object_type == "report",
                                         AuditLog.object_id == report.id)
        .order_by(AuditLog.id)
    ).all()
    assert actions == ["report.acknowledge", "report.start", "report.resolve"]
    kinds = db.session.scalars(
        sa.select(Notification.params).where(Notification.user_id == resident.id,
                                             Notification.kind == "reports.status")
    ).all()
    assert [params["status"] for params in kinds] == ["acknowledged", "in_progress", "resolved"]


def test_steps_that_do_not_follow_from_the_status_are_refused(ctx, categories, resident,
                                                               staff_user):
    report = file(resident, categories)
    service.change_status(report, "resolve", by=staff_user)
    with pytest.raises(Conflict):
        service.change_status(report, "acknowledge", by=staff_user)
    with pytest.raises(Conflict):
        service.change_status(report, "resolve", by=staff_user)


@pytest.mark.parametrize("action", ["decline", "refer", "ask"])
def test_declining_referring_and_asking_need_a_message(ctx, categories, resident, staff_user,
                                                       action):
    report = file(resident, categories)
    with pytest.raises(ValidationError):
        service.change_status(report, action, by=staff_user, message="  ")
    assert report.status is ReportStatus.new


def test_a_duplicate_points_to_another_report(ctx, categories, resident, staff_user):
    first = file(resident, categories)
    second = file(resident, categories)
    with pytest.raises(ValidationError):
        service.change_status(second, "duplicate", by=staff_user, duplicate_of=second)
    service.change_status(second, "duplicate", by=staff_user, duplicate_of=first)
    assert second.duplicate_of_id == first.id and second.status is ReportStatus.duplicate


def test_a_question_pauses_the_clock_and_the_answer_resumes_it(ctx, categories, resident,
                                                                staff_user):
    report = file(resident, categories, now=MONDAY)
    service.change_status(report, "acknowledge", by=staff_user, now=MONDAY)
    due = report.resolve_due_at
    service.change_status(report, "ask", by=staff_user, message="Which building?",
                          now=MONDAY + timedelta(hours=1))
    assert report.status is ReportStatus.waiting and report.due_at is None
    report.paused_at = MONDAY + timedelta(hours=1) - timedelta(days=3)  # three days waiting
    service.follow_up(report, by=resident, message="Building 102.")
    assert report.status is ReportStatus.acknowledged
    assert report.paused_at is None
    assert report.resolve_due_at - due >= timedelta(days=3)
    assert report.due_at == report.resolve_due_at


def test_only_the_reporter_follows_up_and_only_while_open(ctx, categories, resident,
                                                           create_user, staff_user):
    report = file(resident, categories)
    with pytest.raises(PermissionDenied):
        service.follow_up(report, by=create_user(), message="Me too")
    service.change_status(report, "decline", by=staff_user, message="Private matter.")
    with pytest.raises(Conflict):
        service.follow_up(report, by=resident, message="Please")


def test_reopening_is_possible_for_fourteen_days(ctx, categories, resident, staff_user):
    report = file(resident, categories)
    service.change_status(report, "resolve", by=staff_user)
    report.resolved_at -= timedelta(days=15)
    with pytest.raises(Conflict):
        service.reopen(report, by=resident, reason="Still cold")
    report.resolved_at += timedelta(days=2)
    service.reopen(report, by=resident, reason="Still cold")
    assert report.status is ReportStatus.reopened
    assert report.due_at == report.acknowledge_due_at
    assert report in list(db.session.scalars(queue(QueueFilters(), viewer=staff_user)))


def test_ratings_are_for_resolved_reports_from_one_to_five(ctx, categories, resident,
                                                           staff_user):
    report = file(resident, categories)
    with pytest.raises(Conflict):
        service.rate(report, by=resident, rating=5)
    service.change_status(report, "resolve", by=staff_user)
    with pytest.raises(ValidationError):
        service.rate(report, by=resident, rating=6)
    service.rate(report, by=resident, rating=4, comment="Quick.")
    assert (report.rating, report.rating_comment) == (4, "Quick.")


def test_a_change_from_an_older_version_is_refused(ctx, categories, resident, staff_user):
    report = file(resident, categories)
    db.session.flush()
    seen = report.version
    service.change_status(report, "acknowledge", by=staff_user, version=seen)
    db.session.flush()
    assert report.version > seen
    with pytest.raises(Conflict):
        service.reply(report, by=staff_user, message="Hello", version=seen)


def test_internal_notes_stay_off_the_public_timeline(ctx, categories, resident, staff_user):
    report = file(resident, categories)
    service.add_note(report, by=staff_user, message="Landlord is known to us.")
    service.reply(report, by=staff_user, message="We are on it.")
    db.session.flush()
    public = [e.message for e in service.timeline(report, public_only=True)]
    everything = [e.message for e in service.timeline(report, public_only=False)]
    assert "We are on it." in public and "Landlord is known to us." not in public
    assert "Landlord is known to us." in everything


def test_pending_reports_go_with_a_deleted_account_received_ones_stay(
        ctx, categories, create_user):
    newcomer = create_user(confirmed=False)
    pending = file(newcomer, categories)
    confirmed = create_user()
    kept = file(confirmed, categories)
    service.forget_pending_reports(newcomer)
    service.forget_pending_reports(confirmed)
    db.session.flush()
    assert db.session.get(Report, pending.id) is None
    assert db.session.get(Report, kept.id) is not None


def test_queue_filters_combine(ctx, categories, create_user, staff_user):
    from portal.districts import District

    mine = file(create_user(), categories, district=District.mapo, category="transport",
                title="Bus 7016 skips the stop")
    service.assign(mine, by=staff_user, assignee=staff_user)
    other = file(create_user(), categories, district=District.mapo, title="월세가 올랐어요",
                 description="월세 인상")
    citywide = file(create_user(), categories, title="房租太贵", description="房租")

    def ids(**filters):
        return {r.id for r in db.session.scalars(queue(QueueFilters(**filters),
                                                       viewer=staff_user))}

    assert ids(district=District.mapo) == {mine.id, other.id}
    assert ids(citywide=True) == {citywide.id}
    assert ids(assignee="mine") == {mine.id}
    assert ids(assignee="unassigned", district=District.mapo) == {other.id}
    assert ids(category_id=categories["transport"].id) == {mine.id}
    assert ids(q="월세") == {other.id}
    assert ids(q="房租") == {citywide.id}
    assert ids(q="BUS 7016", district=District.mapo) == {mine.id}
    assert ids(tier=Tier.global_leaders) == set()
    assert ids(overdue=True) == set()
    mine.due_at = MONDAY  # long past
    db.session.flush()
    assert ids(overdue=True) == {mine.id}


def test_the_reporter_gets_a_receipt_with_the_number_when_the_city_receives_it(
        ctx, categories, create_user):
    newcomer = create_user(confirmed=False)
    report = file(newcomer, categories)

    def receipts():
        return db.session.scalars(sa.select(Notification.params).where(
            Notification.user_id == newcomer.id,
            Notification.kind == "reports.received")).all()

    assert receipts() == []  # not received yet: no receipt
    service.receive_pending_reports(newcomer)
    db.session.flush()
    assert receipts() == [{"title": report.title, "number": report.id}]
