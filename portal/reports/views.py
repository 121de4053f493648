"""Residents' pages: report an inconvenience, follow one's reports, answer, reopen, rate."""

from flask import Response, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..accounts import signin
from ..accounts.forms import ButtonForm
from ..accounts.guards import confirmed_required
from ..accounts.service import find_user_by_email
from ..addresses import email_key
from ..errors import Conflict, PermissionDenied, TooManyAttempts, ValidationError
from ..extensions import client_address, db
from ..forms import apply_error, refuse_attempt
from ..i18n import current_lang
from ..paging import paginate
from ..storage import get_storage
from . import bp, photos, service
from .forms import (
    FollowUpForm,
    RatingForm,
    ReopenForm,
    ReportForm,
    VisitorReportForm,
    area_value,
)
from .models import Report


def load_report(report_id: int) -> Report:
    """The report with this id, if the signed-in person may see it; a 404 otherwise."""
    try:
        return service.get_report(report_id, current_user)
    except (LookupError, PermissionDenied):
        # Another person's report is answered as if it did not exist.
        abort(404)


@bp.route("/")
@login_required
def mine():
    """List the signed-in resident's reports, newest first."""
    page = paginate(service.reports_of(current_user))
    return render_template("reports/mine.html", page=page)


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Report an inconvenience of living in Seoul, with up to five photos.

    A visitor writes the report first and says who they are at the end; it reaches the city
    once their address is confirmed.
    """
    visitor = not current_user.is_authenticated
    if not visitor and not current_user.is_confirmed:
        flash(_("Confirm your email address before you submit anything."), "warning")
        return redirect(url_for("accounts.account"))
    categories = service.categories()
    if visitor:
        form = VisitorReportForm(categories=categories,
                                 locale=current_lang() if request.method == "GET" else None)
    else:
        form = ReportForm(categories=categories)
    kept = photos.unsign(form.kept_photos.data) if request.method == "POST" else []
    status, headers = 200, {}
    if form.is_submitted():
        valid = form.validate()
        kept += photos.store_uploads(form.photos, room=photos.MAX_PHOTOS - len(kept))
        removed = set(request.form.getlist("remove_photo"))
        service.discard_unattached(p.key for p in kept if p.key in removed)
        kept = [p for p in kept if p.key not in removed]
        if valid and not form.photos.errors:
            try:
                if visitor:
                    signin.REGISTRATIONS.check(client_address())
                report = _file(form, kept, visitor=visitor)
            except TooManyAttempts as error:
                status, headers = refuse_attempt(form, error)
            except ValidationError as error:
                db.session.rollback()
                apply_error(form, error)
            else:
                if visitor:
                    signin.REGISTRATIONS.hit(client_address())
                db.session.commit()
                if visitor:
                    # The next page says where the mail went: the address this browser typed.
                    session["registered_email"] = email_key(form.email.data)
                    flash(_("Your report is saved. It reaches the city as soon as you follow "
                            "the link in the email we sent you."), "success")
                    return redirect(url_for("accounts.registered"))
                flash(_("Thank you. Your report has been sent to the city as number "
                        "%(number)s.", number=report.id), "success")
                return redirect(url_for("reports.detail", report_id=report.id))
        form.kept_photos.data = photos.sign(kept)
    return render_template("reports/new.html", form=form, kept=kept,
                           visitor=visitor), status, headers


def _file(form, kept, *, visitor: bool):
    """File the form's report: as the signed-in resident, or as a new (or held) account."""
    reporter, hold = current_user, False
    if visitor:
        reporter = signin.register_resident(
            name=form.name.data, email=form.email.data,
            password=form.password.data if form.access.data == "password" else None,
            locale=form.locale.data, nationality=None, district=None,
            claimed_affiliation=None, consents=form.consents, tell_owner=False,
        )
        if reporter is None:
            # The address has an account: the report waits for its owner to confirm it.
            reporter, hold = find_user_by_email(form.email.data), True
    district, _citywide = area_value(form.area.data)
    report = service.file_report(
        reporter=reporter, category=service.get_category(int(form.category.data)),
        district=district, title=form.title.data, description=form.description.data,
        place=form.place.data,
        latitude=float(form.latitude.data) if form.latitude.data is not None else None,
        longitude=float(form.longitude.data) if form.longitude.data is not None else None,
        urgent=form.urgent.data, public_stats=form.public_stats.data, photos=kept, hold=hold,
    )
    if hold:
        service.ask_owner_to_confirm(report)
    return report


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str):
    """Send a report written before signing in to the city, from the link mailed for it."""
    form = ButtonForm()
    if form.validate_on_submit():
        try:
            service.confirm_held_report(token)
        except ValidationError as error:
            return render_template("reports/confirm.html", form=None,
                                   error=error.message), 400
        db.session.commit()
        flash(_("Thank you: your report has been sent to the city."), "success")
        return redirect(url_for("reports.mine") if current_user.is_authenticated
                        else url_for("accounts.login"))
    return render_template("reports/confirm.html", form=form, error=None)


@bp.route("/<int:report_id>")
@login_required
def detail(report_id: int):
    """Show a report with its timeline and what its reporter may do next."""
    report = load_report(report_id)
    if current_user.is_staff and report.reporter_id != current_user.id:
        return redirect(url_for("reports_staff.report", report_id=report.id))
    return _render_detail(report)


def _render_detail(report: Report, **forms):
    forms.setdefault("follow_up_form", FollowUpForm(formdata=None))
    forms.setdefault("reopen_form", ReopenForm(formdata=None))
    forms.setdefault("rating_form", RatingForm(formdata=None))
    status = 200 if not any(f.errors for f in forms.values()) else 400
    return render_template(
        "reports/detail.html", report=report,
        timeline=service.timeline(report, public_only=True),
        photos=service.photos_of(report), can_reopen=service.can_reopen(report),
        reopen_days=service.REOPEN_DAYS,
        category_name=service.category_name, category_names=_category_names(),
        **forms,
    ), status


def _category_names() -> dict[int, str]:
    return {c.id: service.category_name(c) for c in service.categories(active_only=False)}


@bp.route("/<int:report_id>/follow-up", methods=["POST"])
@confirmed_required
def follow_up(report_id: int):
    """Add a message or photos to one's open report (an answer to the city's question)."""
    report = load_report(report_id)
    form = FollowUpForm()
    if form.validate_on_submit():
        room = photos.MAX_PHOTOS - service.photo_count(report)
        stored = photos.store_uploads(form.photos, room=max(room, 0))
        if not form.photos.errors:
            try:
                service.follow_up(report, by=current_user, message=form.message.data or "",
                                  photos=stored)
            except ValidationError as error:
                apply_error(form, error)
            except Conflict as error:
                form.form_errors.append(error.message)
            else:
                db.session.commit()
                flash(_("Your message has been added to your report."), "success")
                return redirect(url_for("reports.detail", report_id=report.id))
        photos.discard(stored)
    return _render_detail(report, follow_up_form=form)


@bp.route("/<int:report_id>/reopen", methods=["POST"])
@confirmed_required
def reopen(report_id: int):
    """Reopen one's resolved report within 14 days, saying why."""
    report = load_report(report_id)
    form = ReopenForm()
    if form.validate_on_submit():
        try:
            service.reopen(report, by=current_user, reason=form.reason.data)
        except ValidationError as error:
            apply_error(form, error)
        except Conflict as error:
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Your report has been reopened. The city will look at it again."),
                  "success")
            return redirect(url_for("reports.detail", report_id=report.id))
    return _render_detail(report, reopen_form=form)


@bp.route("/<int:report_id>/rating", methods=["POST"])
@confirmed_required
def rate(report_id: int):
    """Rate how one's resolved report was handled."""
    report = load_report(report_id)
    form = RatingForm()
    if form.validate_on_submit():
        try:
            service.rate(report, by=current_user, rating=int(form.rating.data),
                         comment=form.comment.data)
        except ValidationError as error:
            apply_error(form, error)
        except Conflict as error:
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Thank you for your rating."), "success")
            return redirect(url_for("reports.detail", report_id=report.id))
    return _render_detail(report, rating_form=form)


@bp.route("/<int:report_id>/photos/<int:photo_id>.jpg")
@login_required
def photo(report_id: int, photo_id: int):
    """Send a report's photo to its reporter or to staff, never to anyone else."""
    report = load_report(report_id)
    try:
        row = service.get_photo(report, photo_id)
        data = get_storage().read(row.storage_key)
    except (LookupError, FileNotFoundError):
        abort(404)
    response = Response(data, mimetype="image/jpeg")
    response.headers["Content-Disposition"] = f'inline; filename="report-{report.id}-{row.id}.jpg"'
    return response
