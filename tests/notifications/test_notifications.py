"""notify(): the notification, the mail as each person chose, the page, the daily digest."""

import threading

import pytest
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal.accounts.models import User
from portal.columns import utcnow
from portal.extensions import db
from portal.notifications.kinds import NotificationKind, choosable_kinds, register_kind
from portal.notifications.models import Delivery, Notification, NotificationPreference
from portal.notifications.service import notify, send_digests, set_preferences
from tests.conftest import make_app
from tests.support.http import PASSWORD, submit
from tests.support.i18n import translated

# A message the catalogs already translate, so mail language can be checked.
TRANSLATED = "Your profile has been saved."


@pytest.fixture
def kinds(app, monkeypatch):
    """Register test kinds on the app for one test: a choosable one and a deletable object."""
    registry = app.extensions.setdefault("portal.notification_kinds", {})
    alive: set[int] = set()
    test_kinds = [
        NotificationKind(name="test.news", label=_l("News"), message=_l(TRANSLATED),
                         link=lambda n: ("accounts.account", {})),
        NotificationKind(name="test.thing", label=_l("Things"),
                         message=_l("Thing %(number)s changed."),
                         link=lambda n: ("accounts.profile", {}),
                         existing=lambda ids: ids & alive, default=Delivery.portal),
    ]
    for kind in test_kinds:
        monkeypatch.setitem(registry, kind.name, kind)
    return alive


def test_notify_writes_in_the_callers_transaction(app, resident, kinds, outbox):
    with app.test_request_context("/en/"):
        notify(resident, "test.news")
        db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 0
    assert outbox(resident.email) == []


def test_mail_at_once_in_the_residents_language(app, create_user, kinds, outbox):
    user = create_user(locale="ja")
    with app.test_request_context("/en/"):
        notify(user, "test.news")
        db.session.commit()
    [mail] = outbox(user.email)
    assert mail.locale == "ja"
    # The subject is the message in Japanese, although the request was in English.
    assert mail.subject == translated(app, "ja", TRANSLATED) != TRANSLATED
    assert "/ja/account/" in mail.text  # the link leads to the page, in Japanese
    assert "/ja/notifications/settings" in mail.text


@pytest.mark.parametrize(("delivery", "mails_now", "waits"), [
    (Delivery.immediately, 1, False),
    (Delivery.daily, 0, True),
    (Delivery.portal, 0, False),
])
def test_each_person_chooses_how_to_hear(app, resident, kinds, outbox, delivery, mails_now,
                                         waits):
    with app.test_request_context("/en/"):
        set_preferences(resident, {"test.news": delivery})
        notification = notify(resident, "test.news")
        db.session.commit()
    assert len(outbox(resident.email)) == mails_now
    assert notification.awaiting_digest is waits


def test_unconfirmed_addresses_and_deleted_accounts_get_no_mail(app, create_user, kinds,
                                                                 outbox):
    unconfirmed = create_user(confirmed=False)
    deleted = create_user()
    deleted.deleted_at = deleted.created_at
    with app.test_request_context("/en/"):
        assert notify(unconfirmed, "test.news") is not None
        assert notify(deleted, "test.news") is None
        db.session.commit()
    assert outbox(unconfirmed.email) == [] and outbox(deleted.email) == []


def test_the_daily_digest_mails_once_and_is_idempotent(app, create_user, kinds, outbox):
    lan = create_user(locale="vi")
    emily = create_user(locale="en")
    with app.test_request_context("/en/"):
        for user in (lan, emily):
            set_preferences(user, {"test.news": Delivery.daily})
            notify(user, "test.news")
            notify(user, "test.news")
        db.session.commit()
    assert outbox(lan.email) == []
    runner = app.test_cli_runner()
    first = runner.invoke(args=["notifications", "digest"])
    assert first.exit_code == 0 and "queued 2 digest" in first.output
    [digest] = outbox(lan.email)
    assert digest.locale == "vi"
    assert digest.text.count("/vi/account/") == 2  # both notifications, linked
    again = runner.invoke(args=["notifications", "digest"])
    assert "queued 0 digest" in again.output
    assert len(outbox(lan.email)) == 1


def test_the_header_counts_unread_and_the_page_marks_them_read(app, client, login, resident,
                                                               kinds):
    with app.test_request_context("/en/"):
        for _ in range(3):
            notify(resident, "test.news")
        db.session.commit()
    login(resident)
    html = client.get("/en/account/").get_data(as_text=True)
    assert '<span class="badge" aria-hidden="true">3</span>' in html
    page = client.get("/en/notifications/").get_data(as_text=True)
    assert page.count('class="unread"') == 3
    first = db.session.scalars(sa.select(Notification.id).order_by(Notification.id)).first()
    submit(client, f"/en/notifications/{first}/read", page="/en/notifications/")
    assert '<span class="badge" aria-hidden="true">2</span>' in client.get(
        "/en/account/").get_data(as_text=True)
    submit(client, "/en/notifications/read", page="/en/notifications/")
    html = client.get("/en/notifications/").get_data(as_text=True)
    assert 'class="badge"' not in html and 'class="unread"' not in html


def test_nobody_marks_someone_elses_notification(app, client, login, resident, create_user,
                                                 kinds):
    other = create_user()
    with app.test_request_context("/en/"):
        theirs = notify(other, "test.news")
        db.session.commit()
    login(resident)
    response = submit(client, f"/en/notifications/{theirs.id}/read", page="/en/notifications/")
    assert response.status_code == 404
    db.session.refresh(theirs)
    assert theirs.read_at is None


def test_a_notification_about_a_deleted_object_says_so(app, client, login, resident, kinds):
    with app.test_request_context("/en/"):
        kept = notify(resident, "test.thing", obj_type="thing", obj_id=1, params={"number": 1})
        notify(resident, "test.thing", obj_type="thing", obj_id=2, params={"number": 2})
        db.session.commit()
    kinds.add(kept.object_id)  # thing 2 has been deleted since
    login(resident)
    html = client.get("/en/notifications/").get_data(as_text=True)
    assert '<a href="/en/account/profile">Thing 1 changed.</a>' in html
    assert "Thing 2 changed." in html
    assert '<a href="/en/account/profile">Thing 2 changed.</a>' not in html
    assert html.count("has since been deleted") == 1


def test_the_page_is_paged_with_a_fixed_number_of_queries(app, client, login, resident, kinds,
                                                          count_queries):
    login(resident)

    def queries():
        with count_queries() as statements:
            assert client.get("/en/notifications/").status_code == 200
        return len(statements)

    with app.test_request_context("/en/"):
        notify(resident, "test.thing", obj_type="thing", obj_id=1, params={"number": 1})
        db.session.commit()
    few = queries()
    with app.test_request_context("/en/"):
        for number in range(2, 60):
            notify(resident, "test.thing", obj_type="thing", obj_id=number,
                   params={"number": number})
            notify(resident, "test.news")
        db.session.commit()
    assert queries() == few
    html = client.get("/en/notifications/").get_data(as_text=True)
    assert 'rel="next"' in html
    assert 'rel="prev"' in client.get("/en/notifications/?page=2").get_data(as_text=True)


def test_settings_list_the_choosable_kinds_and_save_the_choice(client, login, resident, kinds):
    login(resident)
    html = client.get("/vi/notifications/settings").get_data(as_text=True)
    assert 'name="kind_test__news"' in html and 'name="kind_test__thing"' in html
    assert "account.welcome" not in html  # not a choice
    others = {f"kind_{kind.name.replace('.', '__')}": "immediately"
              for kind in choosable_kinds(resident) if not kind.name.startswith("test.")}
    for choice in ("daily", "portal"):
        response = submit(client, "/vi/notifications/settings",
                          {**others, "kind_test__news": choice, "kind_test__thing": "immediately"})
        assert response.status_code == 302
    rows = db.session.execute(
        sa.select(NotificationPreference.kind, NotificationPreference.delivery)
        .where(NotificationPreference.user_id == resident.id,
               NotificationPreference.kind.like("test.%"))
    ).all()
    assert sorted(rows) == [("test.news", Delivery.portal), ("test.thing", Delivery.immediately)]
    bad = submit(client, "/vi/notifications/settings",
                 {**others, "kind_test__news": "carrier-pigeon", "kind_test__thing": "daily"})
    assert bad.status_code == 200
    assert 'id="kind_test__news-error"' in bad.get_data(as_text=True)
    # A choice left out is asked for again, not saved as nothing.
    missing = submit(client, "/vi/notifications/settings", {"kind_test__news": "daily"})
    assert missing.status_code == 200
    assert 'id="kind_test__thing-error"' in missing.get_data(as_text=True)


def test_confirming_welcomes_and_security_changes_are_recorded(client, login, create_user,
                                                               outbox):
    user = create_user(confirmed=False)
    from portal.accounts.signin import send_confirmation
    from tests.accounts.test_registration import confirm_link

    with client.application.test_request_context("/en/"):
        send_confirmation(user)
        db.session.commit()
    login(user)
    submit(client, confirm_link(outbox, user.email))
    submit(client, "/en/account/password", {
        "current_password": PASSWORD, "new_password": "harbour-kimchi-93",
        "new_password_again": "harbour-kimchi-93",
    })
    kinds = db.session.scalars(
        sa.select(Notification.kind).where(Notification.user_id == user.id)
        .order_by(Notification.id)
    ).all()
    assert kinds == ["account.welcome", "account.password_changed"]
    html = client.get("/en/notifications/").get_data(as_text=True)
    assert "Your password was changed" in html


def test_deleting_the_account_deletes_its_notifications(app, client, login, resident, kinds):
    with app.test_request_context("/en/"):
        notify(resident, "test.news")
        set_preferences(resident, {"test.news": Delivery.daily})
        db.session.commit()
    login(resident)
    export = client.get("/en/account/export").get_json()
    assert export["notifications"][0]["text"] == TRANSLATED
    assert export["notification_choices"] == {"test.news": "daily"}
    submit(client, "/en/account/delete", {"password": PASSWORD, "understood": "y"})
    for model in (Notification, NotificationPreference):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(model)) == 0


@pytest.mark.no_transaction
@pytest.mark.slow
def test_two_digest_runs_at_once_mail_each_person_once(fresh_databases, tmp_path):
    app = make_app(fresh_databases.new(), tmp_path)
    kind = NotificationKind(name="test.race", label=_l("News"), message=_l(TRANSLATED))
    register_kind(app, kind)
    with app.app_context():
        db.create_all()
        users = [User(name=f"Person {n}", email=f"race{n}@example.org", password_hash="!",
                      locale="en", confirmed_at=utcnow()) for n in range(30)]
        db.session.add_all(users)
        db.session.commit()
        for user in users:
            set_preferences(user, {"test.race": Delivery.daily})
            notify(user, "test.race")
        db.session.commit()
        db.session.remove()
    start = threading.Barrier(3)
    sent: list[int] = []

    def run():
        with app.app_context():
            start.wait()
            sent.append(send_digests())
            db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    with app.app_context():
        from portal.mail.models import OutboxMessage

        recipients = db.session.scalars(sa.select(OutboxMessage.recipient)).all()
        assert sorted(recipients) == sorted(f"race{n}@example.org" for n in range(30))
        assert sum(sent) == 30
        db.session.remove()
        db.engine.dispose()

