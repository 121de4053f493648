"""Reading the Open311 API's answers in both formats."""

import json
import xml.etree.ElementTree as ET

# Every field of a GeoReport v2 service request, in the spec's order.
REQUEST_FIELDS = [
    "service_request_id", "status", "status_notes", "service_name", "service_code",
    "description", "agency_responsible", "service_notice", "requested_datetime",
    "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat",
    "long", "media_url",
]
BASE = "/open311/v2"


def records(response, *, root: str, item: str) -> list[dict]:
    """The records of a list answer, read from JSON or XML (empty elements as None)."""
    if response.mimetype == "application/json":
        return json.loads(response.get_data(as_text=True))
    assert response.content_type == "text/xml; charset=utf-8"
    body = response.get_data()
    assert body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    tree = ET.fromstring(body)  # noqa: S314 - the answer of our own server
    assert tree.tag == root
    assert all(child.tag == item for child in tree)
    return [{field.tag: field.text for field in child} for child in tree]


def errors(response) -> list[dict]:
    """Open311's error list, from JSON or XML, with codes as numbers."""
    return [{"code": int(e["code"]), "description": e["description"]}
            for e in records(response, root="errors", item="error")]
