"""Administration pages: staff accounts and the audit log."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.service import create_staff, staff_accounts
from ..audit import audit_entries, describe
from ..errors import ValidationError
from ..extensions import db
from ..forms import apply_error
from ..paging import paginate
from ..staffdesk import admin_required
from . import bp
from .forms import AuditFilterForm, CreateStaffForm


@bp.route("/staff", methods=["GET", "POST"], endpoint="staff_accounts")
@admin_required
def staff_accounts_page():
    """List staff accounts and create new ones."""
    form = CreateStaffForm()
    if form.validate_on_submit():
        try:
            user = create_staff(
                name=form.name.data,
                email=form.email.data,
                password=form.password.data,
                admin=form.admin.data,
                by=current_user,
            )
        except ValidationError as error:
            apply_error(form, error)
        else:
            db.session.commit()
            flash(_("The account of %(name)s has been created.", name=user.name), "success")
            return redirect(url_for("admin.staff_accounts"))
    return render_template("admin/staff.html", form=form, page=paginate(staff_accounts()))


@bp.route("/audit")
@admin_required
def audit_log():
    """Read the audit log, newest first."""
    form = AuditFilterForm(request.args)
    filters = form.filters()
    page = paginate(audit_entries(**filters))
    return render_template("admin/audit.html", page=page, lines=describe(page.items),
                           form=form, filtered=any(filters.values()))
