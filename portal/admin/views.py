"""Administration pages: staff accounts and the audit log."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts import staff_accounts
from ..accounts.service import get_staff_or_404
from ..accounts.service import staff_accounts as staff_list
from ..audit import audit_entries, describe, history_of
from ..errors import ValidationError
from ..extensions import db
from ..forms import apply_error
from ..paging import paginate
from ..staffdesk import admin_required
from . import bp
from .forms import AuditFilterForm, ButtonForm, InviteStaffForm, RoleForm


@bp.route("/staff", methods=["GET", "POST"], endpoint="staff_accounts")
@admin_required
def staff_accounts_page():
    """List staff accounts and invite new colleagues."""
    form = InviteStaffForm()
    if form.validate_on_submit():
        try:
            user = staff_accounts.invite_staff(
                name=form.name.data, email=form.email.data, admin=form.admin.data,
                by=current_user,
            )
        except ValidationError as error:
            apply_error(form, error)
        else:
            db.session.commit()
            flash(_("We have sent %(name)s a link to choose a password.", name=user.name),
                  "success")
            return redirect(url_for("admin.staff_accounts"))
    return render_template("admin/staff.html", form=form, page=paginate(staff_list()),
                           awaiting=staff_accounts.awaiting_first_password)


@bp.route("/staff/<int:user_id>", methods=["GET", "POST"])
@admin_required
def staff_member(user_id: int):
    """Show one staff account; change its role."""
    user = get_staff_or_404(user_id)
    form = RoleForm(data={"role": user.role} if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            staff_accounts.change_role(user, role=form.role.data, by=current_user)
        except ValidationError as error:
            apply_error(form, error)
        else:
            db.session.commit()
            flash(_("The role of %(name)s has been saved.", name=user.name), "success")
            return redirect(url_for("admin.staff_member", user_id=user.id))
    return render_template(
        "admin/staff_member.html", user=user, form=form, button_form=ButtonForm(),
        awaiting=staff_accounts.awaiting_first_password(user),
        history=history_of(("user", user.id)),
    )


def _staff_action(user_id: int, action, done: str):
    """Apply a button's action to a staff account; a refusal is shown, not raised."""
    user = get_staff_or_404(user_id)
    if ButtonForm().validate_on_submit():
        try:
            action(user)
        except ValidationError as error:
            flash(error.message, "warning")
        else:
            db.session.commit()
            flash(done % {"name": user.name}, "success")
    return redirect(url_for("admin.staff_member", user_id=user.id))


@bp.route("/staff/<int:user_id>/deactivate", methods=["POST"])
@admin_required
def deactivate_staff(user_id: int):
    """Switch a staff account off; its sessions end at once."""
    return _staff_action(
        user_id, lambda user: staff_accounts.deactivate(user, by=current_user),
        _("The account of %(name)s is switched off and signed out everywhere."),
    )


@bp.route("/staff/<int:user_id>/reactivate", methods=["POST"])
@admin_required
def reactivate_staff(user_id: int):
    """Switch a staff account back on."""
    return _staff_action(
        user_id, lambda user: staff_accounts.reactivate(user, by=current_user),
        _("The account of %(name)s is switched on again."),
    )


@bp.route("/staff/<int:user_id>/invitation", methods=["POST"])
@admin_required
def resend_invitation(user_id: int):
    """Mail an invited colleague their link again."""

    def resend(user):
        if staff_accounts.awaiting_first_password(user):
            staff_accounts.send_invitation(user)

    return _staff_action(user_id, resend, _("We have sent %(name)s the link again."))


@bp.route("/audit")
@admin_required
def audit_log():
    """Read the audit log, newest first."""
    form = AuditFilterForm(request.args)
    filters = form.filters()
    page = paginate(audit_entries(**filters))
    return render_template("admin/audit.html", page=page, lines=describe(page.items),
                           form=form, filtered=any(filters.values()))
