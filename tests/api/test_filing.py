"""Filing service requests with an API key: the report it makes, and every refusal."""

import hashlib

import pytest
import sqlalchemy as sa

from portal.api import service
from portal.api.models import ApiClient
from portal.districts import District
from portal.extensions import db
from portal.reports import service as reports
from portal.reports.models import Report, ReportStatus
from tests.api.support import BASE, errors, records
from tests.support.http import sign_in

FORMATS = ["xml", "json"]


@pytest.fixture
def key(issue_key):
    return issue_key()[1]


def report_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Report))


def post(client, fmt="json", **data):
    return client.post(f"{BASE}/requests.{fmt}", data=data)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_client_files_a_request_that_enters_the_queue(client, categories, issue_key, fmt):
    api_client, key = issue_key("120 Dasan Call Center")
    description = "Broken heater in a shared house\nThe caller has called three times."
    response = post(client, fmt, api_key=key, service_code=categories["housing"].code,
                    description=description,
                    address_string="Seogyo-dong 123, Mapo-gu, Seoul")
    assert response.status_code == 201
    [created] = records(response, root="service_requests", item="request")
    assert set(created) == {"service_request_id", "service_notice"}
    assert isinstance(created["service_request_id"], str)
    report = db.session.get(Report, int(created["service_request_id"]))
    assert report.reporter_id == api_client.user_id
    assert report.category_id == categories["housing"].id
    assert report.team_id == categories["housing"].team_id
    assert report.title == "Broken heater in a shared house"
    assert report.description == description
    assert report.place == "Seogyo-dong 123, Mapo-gu, Seoul"
    assert report.district is District.mapo
    assert report.status is ReportStatus.new and report.received_at is not None
    assert report.public_stats is False
    db.session.refresh(api_client)
    assert api_client.last_used_at is not None


def test_the_title_is_the_start_of_the_first_line(client, categories, key):
    long_line = "x" * 200
    response = post(client, api_key=key, service_code=categories["housing"].code,
                    description=f"  {long_line}\nsecond line", lat="37.5", long="127.0")
    report = db.session.get(Report, int(response.get_json()[0]["service_request_id"]))
    assert report.title == "x" * 150
    assert (report.latitude, report.longitude) == (37.5, 127.0)
    assert report.place is None and report.district is None


@pytest.mark.parametrize(("address", "district"), [
    ("서울특별시 종로구 세종대로 175", District.jongno),
    ("Jung-gu, Seoul", District.jung),
    ("Jungnang-gu", District.jungnang),
    ("near the Jung-ang market", None),
    ("Mapo-gu or Yongsan-gu", None),  # two districts: the staff will tell
    ("Busan", None),
])
def test_a_district_named_in_the_address_is_kept(address, district, app):
    with app.test_request_context("/en/"):
        assert service.district_in(address) is district


def test_the_clients_account_cannot_sign_in_and_is_never_mailed(
        client, categories, issue_key, staff_user, outbox, app):
    api_client, key = issue_key()
    account = api_client.user
    assert account.password_hash == "!"
    assert not account.is_active and not account.is_confirmed
    assert account.email.endswith(".invalid")
    response = post(client, api_key=key, service_code=categories["housing"].code,
                    description="Flooded underpass", address_string="Gangnam-gu")
    report = db.session.get(Report, int(response.get_json()[0]["service_request_id"]))
    with app.test_request_context("/en/"):
        reports.change_status(report, "acknowledge", by=staff_user, message="On it.")
        reports.reply(report, by=staff_user, message="A team is there.")
        db.session.commit()
    assert outbox(account.email) == []
    assert sign_in(client, account.email, "!").status_code != 302


def test_the_key_is_kept_only_as_its_hash(issue_key):
    api_client, key = issue_key()
    assert key.startswith("o311_") and len(key) > 40
    assert api_client.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in {api_client.key_hash, api_client.name}
    assert service.client_for_key(key) == api_client
    assert service.client_for_key(key.upper()) is None


def test_personal_details_of_a_caller_are_never_kept(client, categories, key):
    response = post(client, api_key=key, service_code=categories["housing"].code,
                    description="Noise at night", address_string="Jongno-gu",
                    email="caller@example.org", first_name="Min", last_name="Lee",
                    phone="010-9999-0000", device_id="device-42", account_id="77",
                    media_url="http://example.org/photo.jpg")
    assert response.status_code == 201
    report = db.session.get(Report, int(response.get_json()[0]["service_request_id"]))
    kept = " ".join(str(v) for v in (report.title, report.description, report.place,
                                      report.reporter.email, report.reporter.name))
    for detail in ("caller@example.org", "Min", "Lee", "010-9999-0000", "device-42",
                   "photo.jpg"):
        assert detail not in kept


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_missing_wrong_or_revoked_key_is_403(client, categories, issue_key, admin_user,
                                               fmt):
    api_client, key = issue_key()
    fields = {"service_code": categories["housing"].code, "description": "Pothole",
              "address_string": "Mapo-gu"}
    service.revoke_client(api_client, by=admin_user)
    db.session.commit()
    _other, other_key = issue_key("Other system")
    for sent in ({}, {"api_key": ""}, {"api_key": "o311_wrong"}, {"api_key": key},
                 {"api_key": other_key[:-1]}):
        response = post(client, fmt, **fields, **sent)
        assert response.status_code == 403, sent
        assert errors(response) == [{"code": 403, "description":
                                     "The api_key is missing, not valid or revoked."}]
    # Not in the address either: keys there end up in servers' logs.
    response = client.post(f"{BASE}/requests.{fmt}?api_key={other_key}", data=fields)
    assert response.status_code == 403
    assert report_count() == 0


@pytest.mark.parametrize(("fields", "parameter"), [
    ({"service_code": "no-such-service"}, "service_code"),
    ({"service_code": ""}, "service_code"),
    ({"description": ""}, "description"),
    ({"description": "   "}, "description"),
    ({"description": "x" * 5001}, "description"),
    ({"address_string": "", "lat": "", "long": ""}, None),
    ({"address_string": "", "lat": "37.5", "long": ""}, None),
    ({"lat": "north", "long": "127"}, "lat"),
    ({"lat": "10", "long": "127"}, "lat"),
    ({"lat": "37.5", "long": "200"}, "long"),
    ({"address_string": "Mapo-gu\x00"}, "address_string"),
    ({"address_string": "Mapo-gu\u202eevil"}, "address_string"),
    ({"address_string": "x" * 201}, "address_string"),
])
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_bad_request_is_400_with_the_reason(client, categories, key, fields, parameter,
                                              fmt):
    data = {"api_key": key, "service_code": categories["housing"].code,
            "description": "A pothole", "address_string": "Mapo-gu", **fields}
    response = client.post(f"{BASE}/requests.{fmt}", data=data)
    assert response.status_code == 400
    found = errors(response)
    assert found and all(e["code"] == 400 for e in found)
    if parameter:
        assert any(e["description"].startswith(f"{parameter}: ") for e in found), found
    assert report_count() == 0


def test_an_inactive_service_takes_no_requests(client, categories, key):
    categories["transport"].active = False
    db.session.commit()
    response = post(client, api_key=key, service_code=categories["transport"].code,
                    description="Bus late", address_string="Jongno-gu")
    assert response.status_code == 400
    assert report_count() == 0


def test_the_post_needs_no_csrf_token_but_pages_still_do(client, categories, key):
    # The API's POST has no token (above); a page's POST without one is still refused.
    response = client.post("/en/login", data={"email": "a@example.org", "password": "x"})
    assert response.status_code == 400


def test_a_revoked_clients_requests_stay_with_the_city(client, categories, issue_key,
                                                       admin_user):
    api_client, key = issue_key()
    response = post(client, api_key=key, service_code=categories["housing"].code,
                    description="Graffiti", address_string="Mapo-gu")
    report_id = int(response.get_json()[0]["service_request_id"])
    service.revoke_client(api_client, by=admin_user)
    db.session.commit()
    assert db.session.get(Report, report_id).reporter_id == api_client.user_id
    assert db.session.get(ApiClient, api_client.id).revoked_at is not None
    reads = client.get(f"{BASE}/requests/{report_id}.json", query_string={"api_key": key})
    assert reads.status_code == 403
