"""Settings of the reports desk: what each staff member reads and follows; what admins set."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.service import staff_accounts
from ..contacts.models import Tier
from ..errors import ValidationError
from ..extensions import db
from ..forms import apply_error, locale_data, locale_values
from ..paging import paginate
from ..staffdesk import staff_blueprint
from . import service, staff_bp
from .forms import (
    CannedForm,
    CategoryForm,
    MySettingsForm,
    TargetsForm,
    TeamForm,
)
from .models import CannedResponse, Category, Team
from .staff import language_choices

admin_bp = staff_blueprint("reports", __name__, url_prefix="/admin/reports",
                           name="reports_admin")


@admin_bp.before_request
def _admins_only():
    # After the staff gate (signed-in staff): only administrators set these.
    if not current_user.is_admin:
        abort(403)


@staff_bp.route("/reports/settings", methods=["GET", "POST"])
def my_settings():
    """Choose the languages one reads and the categories and tiers one follows."""
    categories = service.categories(active_only=False)
    data = None
    if request.method == "GET":
        followed_categories, followed_tiers = service.follows_of(current_user)
        data = {"languages": service.languages_of(current_user),
                "categories": sorted(followed_categories),
                "tiers": [tier.name for tier in followed_tiers]}
    form = MySettingsForm(data=data, languages=language_choices(), categories=categories)
    if form.validate_on_submit():
        service.set_languages(current_user, form.languages.data or [])
        service.set_follows(current_user, category_ids=form.categories.data or [],
                            tiers=[Tier[name] for name in form.tiers.data or []])
        db.session.commit()
        flash(_("Your settings have been saved."), "success")
        return redirect(url_for("reports_staff.my_settings"))
    return render_template("reports/my_settings.html", form=form)


@admin_bp.route("/")
def overview():
    """List what administrators set for reports: categories, teams, texts and targets."""
    return render_template(
        "reports/admin_overview.html",
        categories=service.categories(active_only=False), teams=service.teams(),
        texts=paginate(db.select(CannedResponse).order_by(CannedResponse.id)),
        targets=service.targets(),
    )


@admin_bp.route("/categories/new", methods=["GET", "POST"], defaults={"category_id": None})
@admin_bp.route("/categories/<int:category_id>", methods=["GET", "POST"])
def category(category_id: int | None):
    """Add a category, or change one's names, team and place in the list."""
    existing = db.get_or_404(Category, category_id) if category_id else None
    data = None
    if existing is not None and request.method == "GET":
        data = {"code": existing.code, "team": str(existing.team_id or ""),
                "position": existing.position, "catch_all": existing.catch_all,
                "active": existing.active, **locale_data(existing.names, "name")}
    form = CategoryForm(data=data, teams=service.teams())
    if form.validate_on_submit():
        try:
            service.save_category(
                existing, by=current_user, code=form.code.data,
                names=locale_values(form, "name"),
                team_id=int(form.team.data) if form.team.data else None,
                position=form.position.data or 0, catch_all=form.catch_all.data,
                active=form.active.data,
            )
        except ValidationError as error:
            db.session.rollback()
            apply_error(form, error)
        else:
            db.session.commit()
            flash(_("The category has been saved."), "success")
            return redirect(url_for("reports_admin.overview"))
    return render_template("reports/admin_category.html", form=form, category=existing)


@admin_bp.route("/teams/new", methods=["GET", "POST"], defaults={"team_id": None})
@admin_bp.route("/teams/<int:team_id>", methods=["GET", "POST"])
def team(team_id: int | None):
    """Add a team, or change its names and members."""
    existing = db.get_or_404(Team, team_id) if team_id else None
    data = None
    if existing is not None and request.method == "GET":
        data = {"code": existing.code, "members": service.team_members(existing),
                **locale_data(existing.names, "name")}
    form = TeamForm(data=data, staff=list(db.session.scalars(staff_accounts())))
    if form.validate_on_submit():
        try:
            service.save_team(existing, by=current_user, code=form.code.data,
                              names=locale_values(form, "name"),
                              member_ids=form.members.data or [])
        except ValidationError as error:
            db.session.rollback()
            apply_error(form, error)
        else:
            db.session.commit()
            flash(_("The team has been saved."), "success")
            return redirect(url_for("reports_admin.overview"))
    return render_template("reports/admin_team.html", form=form, team=existing)


@admin_bp.route("/texts/new", methods=["GET", "POST"], defaults={"text_id": None})
@admin_bp.route("/texts/<int:text_id>", methods=["GET", "POST"])
def text(text_id: int | None):
    """Add or change a prepared reply or referral text, in every language."""
    existing = db.get_or_404(CannedResponse, text_id) if text_id else None
    data = None
    if existing is not None and request.method == "GET":
        data = {"kind": existing.kind, **locale_data(existing.names, "name"),
                **locale_data(existing.texts, "text")}
    form = CannedForm(data=data)
    if form.validate_on_submit():
        try:
            service.save_canned(existing, by=current_user, kind=form.kind.data,
                                names=locale_values(form, "name"),
                                texts=locale_values(form, "text"))
        except ValidationError as error:
            db.session.rollback()
            apply_error(form, error)
        else:
            db.session.commit()
            flash(_("The prepared text has been saved."), "success")
            return redirect(url_for("reports_admin.overview"))
    return render_template("reports/admin_text.html", form=form, text=existing)


@admin_bp.route("/targets", methods=["GET", "POST"])
def targets():
    """Set how many working days each tier's reports have to be acknowledged and resolved."""
    data = None
    if request.method == "GET":
        data = {}
        for tier, (acknowledge_days, resolve_days) in service.targets().items():
            data[f"acknowledge_{tier.name}"] = acknowledge_days
            data[f"resolve_{tier.name}"] = resolve_days
    form = TargetsForm(data=data)
    if form.validate_on_submit():
        chosen = {tier: (form[f"acknowledge_{tier.name}"].data,
                         form[f"resolve_{tier.name}"].data) for tier in Tier}
        try:
            service.set_targets(chosen, by=current_user)
        except ValidationError as error:
            db.session.rollback()
            apply_error(form, error)
        else:
            db.session.commit()
            flash(_("The response targets have been saved. They apply to reports received from "
                    "now on."), "success")
            return redirect(url_for("reports_admin.overview"))
    return render_template("reports/admin_targets.html", form=form, tiers=list(Tier))

