"""Staff dashboard and admin pages."""

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts import service as accounts
from ..accounts.guards import admin_required
from ..accounts.models import Role, User
from ..contacts.models import Contact, Tier
from ..errors import ValidationError
from ..extensions import db
from ..forms import apply_error
from ..mail.models import OutboxMessage, OutboxStatus
from ..models import AuditLog
from . import bp
from .forms import AuditFilterForm, CreateStaffForm

PER_PAGE = 50


@bp.route("/")
def dashboard():
    """Show staff the numbers they start their day with."""
    tiers = dict(
        db.session.execute(sa.select(Contact.tier, sa.func.count()).group_by(Contact.tier)).all()
    )
    counts = {
        "residents": db.session.scalar(
            sa.select(sa.func.count()).where(User.role == Role.resident, User.deleted_at.is_(None))
        ),
        "unconfirmed": db.session.scalar(
            sa.select(sa.func.count()).where(
                User.role == Role.resident,
                User.deleted_at.is_(None),
                User.confirmed_at.is_(None),
            )
        ),
        "contacts": sum(tiers.values()),
        "mail_pending": db.session.scalar(
            sa.select(sa.func.count()).where(OutboxMessage.status == OutboxStatus.pending)
        ),
        "mail_failed": db.session.scalar(
            sa.select(sa.func.count()).where(OutboxMessage.status == OutboxStatus.failed)
        ),
    }
    return render_template(
        "admin/dashboard.html", counts=counts, tiers={t: tiers.get(t, 0) for t in Tier}
    )


@bp.route("/admin/staff", methods=["GET", "POST"])
@admin_required
def staff_accounts():
    """List staff accounts and create new ones."""
    form = CreateStaffForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_staff(
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
            return redirect(url_for("staff.staff_accounts"))
    staff = db.paginate(
        sa.select(User)
        .where(User.role.in_([Role.staff, Role.admin]), User.deleted_at.is_(None))
        .order_by(User.name, User.id),
        per_page=PER_PAGE,
        error_out=False,
    )
    return render_template("admin/staff.html", form=form, page=staff)


@bp.route("/admin/audit")
@admin_required
def audit_log():
    """Read the audit log, newest first."""
    form = AuditFilterForm(request.args)
    stmt = sa.select(AuditLog).order_by(AuditLog.created_at.desc(), AuditLog.id.desc())
    if form.validate():
        if form.action.data:
            stmt = stmt.where(AuditLog.action == form.action.data.strip())
        if form.object_type.data:
            stmt = stmt.where(AuditLog.object_type == form.object_type.data.strip())
        if form.object_id.data:
            stmt = stmt.where(AuditLog.object_id == form.object_id.data)
    page = db.paginate(stmt, per_page=PER_PAGE, error_out=False)
    actor_ids = {entry.actor_id for entry in page.items if entry.actor_id}
    actors = (
        {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(actor_ids)))}
        if actor_ids
        else {}
    )
    return render_template("admin/audit.html", page=page, actors=actors, form=form)

