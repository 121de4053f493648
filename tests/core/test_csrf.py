"""Every route that accepts POST refuses a form without a CSRF token, whoever sends it."""

import re

import pytest
from werkzeug.routing import Rule

from tests.support.http import PASSWORD, csrf_token

# Values for path arguments, so each rule can be turned into a real address.
ARGUMENTS = {"lang": "en", "token": "a-token", "user_id": 1, "session_id": 1, "contact_id": 1,
             "notification_id": 1, "report_id": 1, "photo_id": 1, "client_id": 1,
             "category_id": 1, "team_id": 1, "text_id": 1, "group_id": 1, "other_id": 2,
             "event_id": 1, "invitation_id": 1, "class_id": 1, "mentor_id": 1,
             "enrolment_id": 1, "application_id": 1}


def post_rules(app) -> list[Rule]:
    return sorted(
        (rule for rule in app.url_map.iter_rules() if "POST" in (rule.methods or ())
         # The Open311 API takes an API key instead of a token (tests/api check it refuses
         # a POST without one).
         and not rule.endpoint.startswith("open311.")),
        key=lambda rule: rule.rule,
    )


def path_of(rule: Rule) -> str:
    path = rule.rule
    for name in rule.arguments:
        assert name in ARGUMENTS, f"add a value for <{name}> to ARGUMENTS"
        path = re.sub(rf"<(?:[^:<>]+:)?{name}>", str(ARGUMENTS[name]), path)
    return path


def test_the_portal_has_the_post_routes_this_test_walks(app):
    # A sanity check that the walk below sees the routes: if the URL map changed shape, the
    # next test could pass by checking nothing.
    endpoints = {rule.endpoint for rule in post_rules(app)}
    assert {"accounts.login", "accounts.logout", "admin.staff_accounts",
            "contacts_staff.user_detail", "contacts_staff.merge_contacts",
            "notifications.mark_all_read", "reports.new", "reports_staff.change_status",
            "events_staff.new_event", "events_staff.edit_event", "events_staff.invite",
            "events_staff.record_answer", "events_staff.remind", "events_staff.checkin",
            "events_staff.checkin_guest", "invitations.answer_in_inbox", "invitations.rsvp",
            "mentoring_staff.decide", "mentoring_staff.record_check",
            "mentoring_staff.set_max_classes", "mentoring_staff.suspend",
            "mentoring_staff.reinstate", "mentoring_staff.new_class",
            "mentoring_staff.edit_class", "mentoring_staff.cancel_session",
            "mentoring_staff.move_session", "mentoring_staff.assign",
            "mentoring_staff.decide_enrolment", "mentoring_staff.session"} <= endpoints


@pytest.mark.parametrize("who", ["visitor", "resident", "admin"])
def test_every_post_route_refuses_a_missing_or_wrong_token(app, client, login, resident,
                                                           admin_user, who):
    if who == "resident":
        login(resident)
    elif who == "admin":
        login(admin_user)
    for rule in post_rules(app):
        path = path_of(rule)
        for data in ({}, {"csrf_token": "forged"}):
            response = client.post(path, data={**data, "password": PASSWORD})
            assert response.status_code == 400, f"{path} answered {response.status_code}"
            assert "<h1>" in response.get_data(as_text=True)


def test_a_valid_token_gets_past_the_check(client, resident):
    # The same request with the page's token is not refused, so the 400s above come from
    # the CSRF check and not from something else.
    token = csrf_token(client, "/en/login")
    response = client.post("/en/login", data={
        "csrf_token": token, "email": resident.email, "password": PASSWORD,
    })
    assert response.status_code == 302
