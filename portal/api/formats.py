"""Open311 answers as XML or JSON, and Open311's list of errors.

GeoReport v2 serves each resource in both formats, chosen by its extension
(``services.xml``, ``services.json``). A record is a dict; a list of records is wrapped in a
root element for XML (``services/service``). A missing value is JSON's ``null`` and an empty
XML element, so both formats read the same through a client.
"""

import re
import xml.etree.ElementTree as ET
from typing import Any

from flask import Response, jsonify, request

XML_TYPE = "text/xml; charset=utf-8"
FORMATS = ("xml", "json")
# XML names for the items of a list held in a record (the endpoints of the discovery...).
ITEM_NAMES = {"endpoints": "endpoint", "formats": "format", "attributes": "attribute"}
# Characters XML 1.0 cannot hold at all, escaped or not (controls, lone surrogates...).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class Open311Error(Exception):
    """A request the API refuses: the HTTP status and what was wrong, in Open311's words."""

    def __init__(self, status: int, *descriptions: str):
        super().__init__(*descriptions)
        self.status = status
        self.descriptions = descriptions


def wanted_format() -> str:
    """The format this request asks for: its extension, XML (the spec's own) otherwise."""
    fmt = (request.view_args or {}).get("fmt")
    if fmt in FORMATS:
        return fmt
    return "json" if request.path.endswith(".json") else "xml"


def respond(data: Any, *, root: str | None = None, item: str | None = None,
            status: int = 200) -> Response:
    """``data`` in the format of this request: a record, or a list of records under ``root``."""
    if wanted_format() == "json":
        response = jsonify(data)
    else:
        response = Response(to_xml(data, root=root, item=item), mimetype="text/xml")
        response.content_type = XML_TYPE
    response.status_code = status
    return response


def error_response(error: Open311Error) -> Response:
    """Open311's list of errors, each with its code and description."""
    errors = [{"code": error.status, "description": str(d)} for d in error.descriptions]
    return respond(errors, root="errors", item="error", status=error.status)


def to_xml(data: Any, *, root: str | None = None, item: str | None = None) -> bytes:
    """An XML document with the declaration the spec asks for (UTF-8)."""
    if isinstance(data, list):
        element = ET.Element(root or "list")
        for record in data:
            _fill(ET.SubElement(element, item or "item"), record)
    else:
        element = ET.Element(root or "record")
        _fill(element, data)
    body = ET.tostring(element, encoding="unicode")  # escapes &, < and > (and quotes)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body).encode("utf-8")


def _fill(element: ET.Element, value: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        element.text = "true" if value else "false"
    elif isinstance(value, dict):
        for name, child in value.items():
            _fill(ET.SubElement(element, name), child)
    elif isinstance(value, list | tuple):
        for child in value:
            _fill(ET.SubElement(element, ITEM_NAMES.get(element.tag, "item")), child)
    else:
        element.text = _NOT_XML.sub("", str(value))
