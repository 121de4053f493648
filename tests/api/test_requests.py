"""Reading service requests: which reports show, what they say, and what they never say."""

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from portal.api import georeport
from portal.columns import utcnow
from portal.districts import District
from portal.extensions import db
from portal.reports import service as reports
from portal.reports.models import OPEN_STATUSES, Report, ReportStatus
from tests.api.support import BASE, REQUEST_FIELDS, errors, records

FORMATS = ["xml", "json"]
SEOUL = ZoneInfo("Asia/Seoul")


def listed(client, query: str = "", fmt: str = "json") -> list[dict]:
    response = client.get(f"{BASE}/requests.{fmt}{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return records(response, root="service_requests", item="request")


def ids(found: list[dict]) -> list[str]:
    return [r["service_request_id"] for r in found]


@pytest.fixture
def public_report(create_report, create_user):
    """A resident's report whose author allowed public statistics."""
    reporter = create_user(name="Nguyen Thi Secret", email="nguyen.secret@example.vn")
    return create_report(
        reporter=reporter, district=District.mapo, place="Flat 301, 12 Hidden-gil",
        latitude=37.556789, longitude=126.923456, public_stats=True,
        title="Boiler broken in my flat", description="My landlord Mr Kim refuses to help.",
    )


@pytest.fixture
def as_staff(app):
    with app.test_request_context("/en/"):
        yield


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_request_has_every_field_of_the_spec(client, public_report, fmt):
    response = client.get(f"{BASE}/requests.{fmt}")
    [request] = records(response, root="service_requests", item="request")
    if fmt == "xml":
        assert list(request) == REQUEST_FIELDS  # in the spec's order
    assert set(request) == set(REQUEST_FIELDS)
    assert request["service_request_id"] == str(public_report.id)
    assert request["status"] == "open"
    assert request["service_name"] == "Housing"
    assert request["service_code"] == public_report.category.code
    assert request["agency_responsible"] == "Housing Policy Division"
    assert request["address"] == "Mapo-gu"
    assert request["description"] is None
    assert request["media_url"] is None
    assert request["status_notes"] is None


def test_json_ids_and_codes_are_strings_and_coordinates_numbers(client, public_report):
    [request] = listed(client)
    assert isinstance(request["service_request_id"], str)
    assert isinstance(request["service_code"], str)
    assert request["lat"] == 37.557 and request["long"] == 126.923  # rounded to 3 decimals


def test_times_are_iso_8601_in_seoul_time_with_their_offset(client, public_report):
    [request] = listed(client)
    for name in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert request[name].endswith("+09:00"), name
    seconds = lambda moment: moment.replace(microsecond=0)  # noqa: E731
    assert (datetime.fromisoformat(request["requested_datetime"])
            == seconds(public_report.received_at))
    assert (datetime.fromisoformat(request["expected_datetime"])
            == seconds(public_report.resolve_due_at))


def test_only_reports_the_city_received_and_its_authors_let_count_are_public(
        client, create_report, create_user, public_report, issue_key):
    private = create_report(title="Not for the public")
    pending = create_report(reporter=create_user(confirmed=False), public_stats=True)
    assert pending.status is ReportStatus.pending
    assert ids(listed(client)) == [str(public_report.id)]
    for report in (private, pending):
        response = client.get(f"{BASE}/requests/{report.id}.json")
        assert response.status_code == 404
    # Another client's key shows no more than its own requests.
    _client, key = issue_key()
    assert ids(listed(client, f"?api_key={key}")) == [str(public_report.id)]


def test_a_report_about_the_whole_city_is_in_seoul(client, create_report):
    create_report(public_stats=True, district=None)
    assert listed(client)[0]["address"] == "Seoul"


def test_coordinates_only_when_the_author_allowed_public_statistics(client, public_report,
                                                                    issue_key):
    client_row, key = issue_key()
    response = client.post(f"{BASE}/requests.json", data={
        "api_key": key, "service_code": public_report.category.code,
        "description": "Pothole", "lat": "37.5", "long": "127.0"})
    assert response.status_code == 201
    found = {r["service_request_id"]: r for r in listed(client, f"?api_key={key}")}
    own = json.loads(response.get_data(as_text=True))[0]["service_request_id"]
    assert found[own]["lat"] is None and found[own]["long"] is None
    assert found[str(public_report.id)]["lat"] == 37.557


@pytest.mark.parametrize("fmt", FORMATS)
def test_one_request_is_a_list_of_one(client, public_report, fmt):
    response = client.get(f"{BASE}/requests/{public_report.id}.{fmt}")
    assert response.status_code == 200
    [request] = records(response, root="service_requests", item="request")
    assert request["service_request_id"] == str(public_report.id)
    if fmt == "json":
        assert response.get_data(as_text=True).lstrip().startswith("[")


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_request_is_404(client, fmt):
    for path in ("requests/999999", "requests/99999999999999999999", "requests/abc"):
        response = client.get(f"{BASE}/{path}.{fmt}")
        assert response.status_code == 404
        assert errors(response)[0]["code"] == 404


@pytest.mark.parametrize("status", [s for s in ReportStatus if s is not ReportStatus.pending])
def test_statuses_map_to_open_and_closed(client, public_report, status):
    public_report.status = status
    db.session.commit()
    [request] = listed(client)
    assert request["status"] == ("open" if status in OPEN_STATUSES else "closed")
    assert ids(listed(client, "?status=open")) == (
        [str(public_report.id)] if status in OPEN_STATUSES else [])
    assert ids(listed(client, "?status=closed")) == (
        [] if status in OPEN_STATUSES else [str(public_report.id)])
    assert len(listed(client, "?status=open,closed")) == 1


def test_the_default_window_is_the_last_90_days(client, create_report):
    now = utcnow()
    old = create_report(public_stats=True, now=now - timedelta(days=91))
    recent = create_report(public_stats=True, now=now - timedelta(days=89))
    assert ids(listed(client)) == [str(recent.id)]
    start = (now - timedelta(days=100)).isoformat()
    end = (now - timedelta(days=20)).isoformat()
    query = {"start_date": start, "end_date": end}
    found = client.get(f"{BASE}/requests.json", query_string=query)
    assert ids(records(found, root="service_requests", item="request")) == [
        str(recent.id), str(old.id)]
    # Only a start: the 90 days from it.
    only_start = client.get(f"{BASE}/requests.json", query_string={
        "start_date": (now - timedelta(days=180)).isoformat()})
    assert ids(records(only_start, root="service_requests", item="request")) == [str(old.id)]


def test_dates_may_come_with_z_an_offset_or_none_for_seoul(client, create_report):
    received = datetime(2026, 3, 2, 0, 30, tzinfo=SEOUL)  # 2026-03-01 15:30 UTC
    report = create_report(public_stats=True, now=received)
    for start, end in [("2026-03-01T15:00:00Z", "2026-03-01T16:00:00Z"),
                       ("2026-03-02T00:00:00+09:00", "2026-03-02T01:00:00+09:00"),
                       ("2026-03-02T00:00:00", "2026-03-02T01:00:00"),
                       # "+" sent unencoded arrives as a space
                       ("2026-03-02T00:00:00 09:00", "2026-03-02T01:00:00 09:00")]:
        response = client.get(f"{BASE}/requests.json",
                              query_string={"start_date": start, "end_date": end})
        assert ids(records(response, root="service_requests", item="request")) == [
            str(report.id)], (start, end)
    outside = client.get(f"{BASE}/requests.json", query_string={
        "start_date": "2026-03-01T16:00:00Z", "end_date": "2026-03-02T16:00:00Z"})
    assert records(outside, root="service_requests", item="request") == []


@pytest.mark.parametrize(("query", "parameter"), [
    ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-04-02T00:00:00Z"}, None),
    ({"start_date": "2026-03-01T00:00:00Z", "end_date": "2026-02-01T00:00:00Z"}, None),
    ({"start_date": "yesterday"}, "start_date"),
    ({"end_date": "2026-13-01T00:00:00Z"}, "end_date"),
    ({"status": "resolved"}, "status"),
    ({"service_code": "no-such-service"}, "service_code"),
    ({"service_request_id": "12,abc"}, "service_request_id"),
    ({"service_request_id": "-1"}, "service_request_id"),
])
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_bad_filter_is_400_with_the_reason(client, categories, query, parameter, fmt):
    response = client.get(f"{BASE}/requests.{fmt}", query_string=query)
    assert response.status_code == 400
    [error] = errors(response)
    assert error["code"] == 400
    if parameter:
        assert error["description"].startswith(f"{parameter}: ")


def test_a_window_of_exactly_90_days_is_fine(client):
    response = client.get(f"{BASE}/requests.json", query_string={
        "start_date": "2026-01-01T00:00:00Z", "end_date": "2026-04-01T00:00:00Z"})
    assert response.status_code == 200


def test_at_most_1000_requests_the_most_recent_first(client, create_report, monkeypatch):
    assert georeport.MAX_RESULTS == 1000
    assert georeport.WINDOW.days == 90
    now = utcnow()
    made = [create_report(public_stats=True, now=now - timedelta(hours=hours))
            for hours in (3, 2, 1)]
    monkeypatch.setattr(georeport, "MAX_RESULTS", 2)
    assert ids(listed(client)) == [str(made[2].id), str(made[1].id)]
    response = client.get(f"{BASE}/requests.json",
                          query_string={"service_request_id": "1,2,3"})
    assert response.status_code == 400  # more numbers than one answer may hold


def test_service_request_ids_override_the_other_filters(client, create_report):
    old = create_report(public_stats=True, now=utcnow() - timedelta(days=200))
    other = create_report(public_stats=True)
    found = listed(client, f"?service_request_id={old.id},{other.id}&status=closed")
    assert sorted(ids(found)) == sorted([str(old.id), str(other.id)])


def test_the_service_code_filter(client, create_report, categories):
    housing = create_report(public_stats=True, category="housing")
    transport = create_report(public_stats=True, category="transport")
    assert ids(listed(client, f"?service_code={categories['housing'].code}")) == [
        str(housing.id)]
    both = listed(client, f"?service_code={categories['housing'].code},"
                          f"{categories['transport'].code}")
    assert sorted(ids(both)) == sorted([str(housing.id), str(transport.id)])
    # A category no longer offered still names its past requests.
    categories["transport"].active = False
    db.session.commit()
    assert ids(listed(client, f"?service_code={categories['transport'].code}")) == [
        str(transport.id)]


def test_a_wrong_api_key_on_a_read_is_403(client, public_report, issue_key):
    client_row, key = issue_key()
    with_key = client.get(f"{BASE}/requests.json", query_string={"api_key": key + "x"})
    assert with_key.status_code == 403
    assert errors(with_key)[0]["code"] == 403


def test_a_client_reads_the_status_notes_of_its_own_requests(
        app, client, issue_key, categories, staff_user, as_staff):
    client_row, key = issue_key()
    response = client.post(f"{BASE}/requests.json", data={
        "api_key": key, "service_code": categories["housing"].code,
        "description": "Broken streetlight", "address_string": "Jongno-gu"})
    report = db.session.get(Report, int(response.get_json()[0]["service_request_id"]))

    def own() -> list[dict]:
        response = client.get(f"{BASE}/requests/{report.id}.json", query_string={"api_key": key})
        return records(response, root="service_requests", item="request")

    assert own()[0]["status_notes"] is None
    reports.reply(report, by=staff_user, message="We have sent a team.")
    db.session.commit()
    assert own()[0]["status_notes"] == "We have sent a team."
    reports.add_note(report, by=staff_user, message="Internal: the contractor is slow.")
    db.session.commit()
    assert own()[0]["status_notes"] == "We have sent a team."  # notes stay internal
    reports.change_status(report, "start", by=staff_user)  # no message: notes unchanged
    db.session.commit()
    assert own()[0]["status_notes"] == "We have sent a team."
    reports.change_status(report, "resolve", by=staff_user, message="The light works again.")
    db.session.commit()
    [request] = own()
    assert request["status_notes"] == "The light works again."
    assert request["status"] == "closed"
    # Without the key, the request is not even listed (it is not public).
    assert client.get(f"{BASE}/requests/{report.id}.json").status_code == 404


def test_the_citys_messages_to_a_resident_stay_between_them(
        client, public_report, staff_user, as_staff):
    reports.reply(public_report, by=staff_user, message="Dear Ms Nguyen, we will call you.")
    db.session.commit()
    [request] = listed(client)
    assert request["status_notes"] is None
    assert "Nguyen" not in client.get(f"{BASE}/requests.xml").get_data(as_text=True)


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_personal_data_in_any_answer(client, public_report, issue_key, fmt):
    reporter = public_report.reporter
    client_row, key = issue_key()
    client.post(f"{BASE}/requests.json", data={
        "api_key": key, "service_code": public_report.category.code,
        "description": "Caller Park Ji-hoon says the lift is broken", "first_name": "Ji-hoon",
        "last_name": "Park", "email": "park@example.kr", "phone": "010-1234-5678",
        "address_string": "Apartment 1203, 5 Sejong-daero, Jung-gu"})
    bodies = [client.get(f"{BASE}/{path}.{fmt}").get_data(as_text=True) for path in (
        "discovery", "services", "requests", f"requests/{public_report.id}")]
    bodies.append(client.get(f"{BASE}/requests.{fmt}?api_key={key}").get_data(as_text=True))
    bodies.append(client.get(f"{BASE}/requests.{fmt}",
                             query_string={"service_request_id": str(public_report.id)}
                             ).get_data(as_text=True))
    for body in bodies:
        for secret in (reporter.name, reporter.email, "Nguyen", "Hidden-gil", "Flat 301",
                       public_report.title, "landlord", "37.556789", "126.923456",
                       "Park", "park@example.kr", "010-1234-5678", "Apartment 1203",
                       "Sejong-daero", "lift", client_row.user.email):
            assert secret not in body, secret


def test_reading_takes_a_fixed_number_of_queries(client, create_report, issue_key, categories,
                                                 count_queries):
    _client, key = issue_key()

    def file_some(count: int) -> None:
        for n in range(count):
            create_report(public_stats=True, category=("housing", "transport")[n % 2])
            client.post(f"{BASE}/requests.json", data={
                "api_key": key, "service_code": categories["housing"].code,
                "description": f"Request {n}", "address_string": "Mapo-gu"})

    def queries() -> tuple[int, int]:
        with count_queries() as requests:
            assert client.get(f"{BASE}/requests.json?api_key={key}").status_code == 200
        with count_queries() as services:
            assert client.get(f"{BASE}/services.json").status_code == 200
        return len(requests), len(services)

    file_some(2)
    few = queries()
    file_some(6)
    assert queries() == few
