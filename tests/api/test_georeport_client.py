"""The API through a third-party GeoReport v2 client (PyPI's ``georeport``), over real HTTP.

The portal is served on loopback by a threaded werkzeug server on a fresh database, as in the
browser tests. ``georeport`` reads (services, definitions, requests); it does not file
requests, so those are posted with ``requests``, the HTTP library it is built on.
"""

import socket
import threading
from datetime import timedelta

import pytest
import requests
from georeport import GeoReport

from portal.api import service as api_service
from portal.columns import utcnow
from portal.districts import District
from portal.extensions import db
from portal.reports import service as reports
from portal.reports.models import Category, Team
from tests.conftest import make_app
from tests.fixtures.accounts import _hash
from tests.support.http import PASSWORD

pytestmark = pytest.mark.no_transaction


def seed(app) -> dict:
    """A team, two categories, a public report, a private one, and an API client."""
    from portal.accounts.models import Role, User

    with app.test_request_context("/en/"):
        team = Team(code="housing", names={"en": "Housing Policy Division", "ko": "주택정책과"})
        db.session.add(team)
        db.session.flush()
        housing = Category(code="001", names={"en": "Housing", "ko": "주거"}, team_id=team.id,
                           position=1)
        transport = Category(code="transport", names={"en": "Transport"}, position=2)
        db.session.add_all([housing, transport])
        resident = User(name="Tran Van Private", email="tran.private@example.vn",
                        password_hash=_hash(PASSWORD), role=Role.resident,
                        confirmed_at=utcnow())
        db.session.add(resident)
        db.session.flush()
        public = reports.file_report(
            reporter=resident, category=housing, district=District.yongsan,
            title="Mould in my room", description="Room 4, the landlord ignores it.",
            place="Room 4, 7 Itaewon-ro", latitude=37.534567, longitude=126.994321,
            public_stats=True, now=utcnow() - timedelta(days=2))
        private = reports.file_report(
            reporter=resident, category=transport, district=None, title="Bus",
            description="Late bus.")
        _client, key = api_service.create_client(name="Dasan 120", by=None)
        db.session.commit()
        return {"public": public.id, "private": private.id, "key": key}


@pytest.fixture(scope="module")
def live(backend, fresh_databases, tmp_path_factory):
    """The portal served on loopback, with its seeded data; yields (root URL, seed)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        port = listener.getsockname()[1]
        url = f"http://127.0.0.1:{port}"
        app = make_app(fresh_databases.new(), tmp_path_factory.mktemp(f"open311-{backend}"),
                       SITE_URL=url)
        with app.app_context():
            db.create_all()
            seeded = seed(app)
        from werkzeug.serving import make_server

        server = make_server("127.0.0.1", port, app, threaded=True, fd=listener.fileno())
    thread = threading.Thread(target=server.serve_forever, name=f"open311-{backend}",
                              daemon=True)
    thread.start()
    try:
        yield url, seeded
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(params=["json", "xml"])
def georeport(request, live) -> GeoReport:
    url, _seeded = live
    return GeoReport(f"{url}/open311/v2", output_format=request.param)


def test_the_client_lists_services_with_their_codes(georeport):
    services = georeport.get_service_list()
    if isinstance(services, dict):  # xmltodict: one element is a dict, several a list
        services = [services]
    assert [s["service_code"] for s in services] == ["001", "transport"]
    assert services[0]["service_name"] == "Housing"
    assert services[0]["group"] == "Housing Policy Division"


def test_the_client_reads_a_service_definition(georeport):
    definition = georeport.get_service_definition("001")
    assert definition["service_code"] == "001"
    assert not definition["attributes"]


def test_the_client_reads_the_public_requests_and_nothing_personal(georeport, live):
    _url, seeded = live
    found = georeport.get_service_requests()
    if isinstance(found, dict):
        found = [found]
    assert [r["service_request_id"] for r in found] == [str(seeded["public"])]
    [request] = found
    assert request["status"] == "open"
    assert request["address"] == "Yongsan-gu"
    assert request["requested_datetime"].endswith("+09:00")
    assert float(request["lat"]) == 37.535 and float(request["long"]) == 126.994
    assert "Tran" not in str(found) and "Itaewon" not in str(found)
    assert "landlord" not in str(found) and "Mould" not in str(found)


def test_the_client_reads_one_request_and_filters(georeport, live):
    _url, seeded = live
    request = georeport.get_service_request(str(seeded["public"]))
    assert request["service_request_id"] == str(seeded["public"])
    if georeport.output_format == "json":
        # (Its XML reading fails on any empty list: xmltodict reads <service_requests/> as
        # None, and georeport indexes into it.)
        assert georeport.get_service_requests(status="closed") == []
    by_id = georeport.get_service_requests(service_request_id=str(seeded["public"]))
    by_id = by_id if isinstance(by_id, list) else [by_id]
    assert [r["service_request_id"] for r in by_id] == [str(seeded["public"])]


def test_the_client_sees_errors_as_http_errors(georeport, live):
    _url, seeded = live
    with pytest.raises(requests.HTTPError) as raised:
        georeport.get_service_request(str(seeded["private"]))
    assert raised.value.response.status_code == 404
    with pytest.raises(requests.HTTPError) as raised:
        georeport.get_service_requests(start_date="2020-01-01T00:00:00Z",
                                       end_date="2021-01-01T00:00:00Z")
    assert raised.value.response.status_code == 400


def test_a_request_filed_over_http_is_read_back_with_the_key(live):
    url, seeded = live
    root = f"{url}/open311/v2"
    with requests.Session() as http:
        refused = http.post(f"{root}/requests.json", data={
            "service_code": "001", "description": "No key", "address_string": "Jung-gu"})
        assert refused.status_code == 403
        assert refused.json() == [{"code": 403, "description":
                                   "The api_key is missing, not valid or revoked."}]
        filed = http.post(f"{root}/requests.xml", data={
            "api_key": seeded["key"], "service_code": "001",
            "description": "Broken lift\nReported by phone.", "address_string": "Jung-gu"})
        assert filed.status_code == 201
        assert filed.headers["Content-Type"] == "text/xml; charset=utf-8"
        assert b"<service_requests><request><service_request_id>" in filed.content
        new_id = filed.content.split(b"<service_request_id>")[1].split(b"<")[0].decode()
        # Not public (no resident allowed it), but its client reads it with the key.
        public = GeoReport(root).get_service_requests(service_request_id=new_id)
        assert public == []
        own = http.get(f"{root}/requests/{new_id}.json", params={"api_key": seeded["key"]})
        assert own.status_code == 200
        [request] = own.json()
        assert request["service_request_id"] == new_id
        assert request["status"] == "open" and request["address"] == "Jung-gu"
