"""The Open311 GeoReport v2 endpoints: discovery, services, and service requests.

Each resource answers as XML or JSON after its extension. Reading is open to anyone (see
``georeport`` for what is shown); a client adds its ``api_key`` to a read to see its own
requests too. Filing needs the ``api_key`` in the POST's form, like the other parameters,
and never takes it from the address, which servers and proxies log. Answers are in English;
``?lang=`` (en, zh, ja, vi, ko) names the services and words the errors in another UI
language.
"""

from functools import wraps

from flask import g, request
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from ..errors import ValidationError
from ..extensions import db
from ..i18n import DEFAULT_LOCALE, LOCALES
from ..routing import MAX_ID
from . import bp, georeport, service
from .formats import Open311Error, error_response, respond
from .forms import ServiceRequestForm
from .models import ApiClient

FORMAT = "<any(xml, json):fmt>"


def api_lang() -> str:
    """The language of this request's names and errors: ``?lang=``, else English."""
    if "api_lang" not in g:
        lang = request.args.get("lang", "")
        g.api_lang = lang if lang in LOCALES else DEFAULT_LOCALE
    return g.api_lang


def in_api_language(view):
    """Run a view in the API's language (never the browser's or an account's)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        with force_locale(api_lang()):
            return view(*args, **kwargs)

    return wrapped


@bp.errorhandler(Open311Error)
def open311_error(error: Open311Error):
    """Answer a refused request with Open311's list of errors, in the request's format."""
    db.session.rollback()
    with force_locale(api_lang()):
        return error_response(error)


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException):
    """Errors raised around the views (a 404, a body too large) in Open311's words too."""
    if error.code is None or error.code < 400:
        return error
    with force_locale(api_lang()):
        return error_response(Open311Error(error.code, error.name))


def calling_client() -> ApiClient | None:
    """The client whose ``api_key`` came with a GET, if any; a bad key is refused."""
    key = request.args.get("api_key")
    if key is None:
        return None
    client = service.client_for_key(key)
    if client is None:
        raise Open311Error(403, _("The api_key is missing, not valid or revoked."))
    return client


@bp.get(f"/discovery.{FORMAT}")
@in_api_language
def discovery(fmt: str):
    """Say who runs this API, how to get a key, and where its endpoints are."""
    return respond(georeport.discovery(), root="discovery")


@bp.get(f"/services.{FORMAT}")
@in_api_language
def services(fmt: str):
    """List the services: one per active report category."""
    return respond(georeport.services(api_lang()), root="services", item="service")


@bp.get(f"/services/<code>.{FORMAT}")
@in_api_language
def service_definition(code: str, fmt: str):
    """Describe the attributes a service asks for (none)."""
    return respond(georeport.service_definition(code), root="service_definition")


@bp.get(f"/requests.{FORMAT}")
@in_api_language
def service_requests(fmt: str):
    """List the service requests a filter asks for (the last 90 days by default)."""
    client = calling_client()
    found = georeport.find_requests(georeport.parse_filter(request.args), client=client)
    records = georeport.request_records(found, client=client, lang=api_lang())
    return respond(records, root="service_requests", item="request")


@bp.get(f"/requests/<request_id>.{FORMAT}")
@in_api_language
def service_request(request_id: str, fmt: str):
    """Show one service request, as a list of one."""
    client = calling_client()
    # Any text here, so that a number too big for the database is this API's 404 as well.
    if not (request_id.isascii() and request_id.isdigit() and 1 <= int(request_id) <= MAX_ID):
        raise Open311Error(404, _("There is no service request with this number."))
    report = georeport.find_request(int(request_id), client=client)
    records = georeport.request_records([report], client=client, lang=api_lang())
    return respond(records, root="service_requests", item="request")


@bp.post(f"/requests.{FORMAT}")
@in_api_language
def create_service_request(fmt: str):
    """File a service request in the name of the client whose key came with it."""
    client = service.client_for_key(request.form.get("api_key"))
    if client is None:
        # i18n: api_key is a parameter name: keep it in English.
        raise Open311Error(403, _("The api_key is missing, not valid or revoked."))
    form = ServiceRequestForm()
    if not form.validate():
        raise Open311Error(400, *(
            georeport.problem(name, str(message))
            for name, field in form._fields.items() for message in field.errors
        ))
    category = service.category_by_code(form.service_code.data.strip())
    if category is None:
        raise Open311Error(400, georeport.problem("service_code", _(
            "There is no service with the code %(code)s.", code=form.service_code.data)))
    latitude, longitude = form.lat.data, form.long.data
    address = (form.address_string.data or "").strip() or None
    if (latitude is None) != (longitude is None):
        raise Open311Error(400, _("Give both the latitude and the longitude, or neither."))
    if latitude is None and address is None:
        # i18n: lat, long and address_string are parameter names: keep them in English.
        raise Open311Error(400, _("Give lat and long, or an address_string."))
    try:
        report = service.file_request(
            client, category=category, description=form.description.data,
            latitude=float(latitude) if latitude is not None else None,
            longitude=float(longitude) if longitude is not None else None,
            address=address,
        )
    except ValidationError as error:
        raise Open311Error(400, error.message) from error
    db.session.commit()
    return respond([{"service_request_id": str(report.id), "service_notice": None}],
                   root="service_requests", item="request", status=201)


@bp.route("/<path:rest>", methods=["GET", "POST"])
@in_api_language
def unknown(rest: str):
    """Answer an address the API does not have in Open311's words, not with a web page."""
    raise Open311Error(404, _("This API has no such resource."))
