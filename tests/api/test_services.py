"""Discovery and services: what the API offers, in XML and JSON."""

import json
import xml.etree.ElementTree as ET

import pytest

from portal.extensions import db
from tests.api.support import BASE, errors, records

FORMATS = ["xml", "json"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery_names_the_endpoint_its_formats_and_how_to_get_a_key(app, client, fmt):
    response = client.get(f"{BASE}/discovery.{fmt}")
    assert response.status_code == 200
    endpoint_url = app.config["SITE_URL"] + "/open311/v2"
    if fmt == "json":
        assert response.mimetype == "application/json"
        data = json.loads(response.get_data(as_text=True))
        [endpoint] = data["endpoints"]
        assert endpoint == {
            "specification": "http://wiki.open311.org/GeoReport_v2", "url": endpoint_url,
            "changeset": data["changeset"], "type": "production",
            "formats": ["text/xml", "application/json"],
        }
        assert data["contact"] and data["key_service"]
    else:
        assert response.content_type == "text/xml; charset=utf-8"
        tree = ET.fromstring(response.get_data())  # noqa: S314 - our own answer
        assert tree.tag == "discovery"
        assert [child.tag for child in tree] == ["changeset", "contact", "key_service",
                                                 "endpoints"]
        [endpoint] = tree.findall("endpoints/endpoint")
        assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
        assert endpoint.findtext("url") == endpoint_url
        assert endpoint.findtext("type") == "production"
        assert [f.text for f in endpoint.findall("formats/format")] == [
            "text/xml", "application/json"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_services_are_the_active_categories_with_string_codes(client, categories, fmt):
    categories["transport"].active = False
    db.session.commit()
    response = client.get(f"{BASE}/services.{fmt}")
    assert response.status_code == 200
    services = records(response, root="services", item="service")
    assert [s["service_code"] for s in services] == [categories["housing"].code,
                                                      categories["other"].code]
    housing = services[0]
    assert list(housing) == ["service_code", "service_name", "description", "metadata",
                             "type", "keywords", "group"] or fmt == "json"
    assert set(housing) == {"service_code", "service_name", "description", "metadata", "type",
                            "keywords", "group"}
    assert isinstance(housing["service_code"], str)
    assert housing["service_name"] == "Housing"
    assert housing["type"] == "realtime"
    assert housing["metadata"] == (False if fmt == "json" else "false")
    assert housing["group"] == "Housing Policy Division"  # the team's English name
    assert "주거" in housing["keywords"] and "Nhà ở" in housing["keywords"]
    assert services[1]["group"] is None  # no team


def test_a_numeric_looking_code_stays_a_string(client, categories):
    categories["housing"].code = "001"
    db.session.commit()
    services = json.loads(client.get(f"{BASE}/services.json").get_data(as_text=True))
    assert services[0]["service_code"] == "001"


@pytest.mark.parametrize(("lang", "name"), [("vi", "Nhà ở"), ("ko", "주거"),
                                            ("ja", "Housing"), ("xx", "Housing")])
def test_services_are_named_in_the_language_asked_for(client, categories, lang, name):
    response = client.get(f"{BASE}/services.json?lang={lang}")
    assert records(response, root="services", item="service")[0]["service_name"] == name


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_service_definition_has_no_attributes(client, categories, fmt):
    code = categories["housing"].code
    response = client.get(f"{BASE}/services/{code}.{fmt}")
    assert response.status_code == 200
    if fmt == "json":
        assert json.loads(response.get_data(as_text=True)) == {"service_code": code,
                                                               "attributes": []}
    else:
        tree = ET.fromstring(response.get_data())  # noqa: S314 - our own answer
        assert tree.tag == "service_definition"
        assert tree.findtext("service_code") == code
        attributes = tree.find("attributes")
        assert attributes is not None and len(attributes) == 0


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_or_inactive_service_is_404_in_open311s_words(client, categories, fmt):
    categories["transport"].active = False
    db.session.commit()
    for code in ("no-such-code", categories["transport"].code):
        response = client.get(f"{BASE}/services/{code}.{fmt}")
        assert response.status_code == 404
        assert errors(response) == [{
            "code": 404, "description": f"There is no service with the code {code}."}]


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_address_the_api_lacks_answers_404_in_its_format(client, fmt):
    response = client.get(f"{BASE}/tokens/abc.{fmt}")
    assert response.status_code == 404
    assert errors(response)[0]["code"] == 404


def test_errors_can_be_read_in_another_language(client):
    response = client.get(f"{BASE}/services/nothing.json?lang=ko")
    [error] = errors(response)
    assert error["code"] == 404 and "nothing" in error["description"]


def test_markup_in_names_is_escaped_in_xml(client, categories):
    categories["housing"].names = {"en": "Rent & <deposits>"}
    db.session.commit()
    body = client.get(f"{BASE}/services.xml").get_data(as_text=True)
    assert "<service_name>Rent &amp; &lt;deposits&gt;</service_name>" in body
    assert records(client.get(f"{BASE}/services.xml"), root="services",
                   item="service")[0]["service_name"] == "Rent & <deposits>"
