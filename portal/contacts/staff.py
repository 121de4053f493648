"""Staff pages of the contact directory: people with accounts, contacts, classification."""

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from ..accounts.models import Affiliation, Role, User
from ..extensions import db
from . import service, staff_bp
from .forms import ClassifyForm, DirectorySearchForm
from .models import TIER_LABELS, Contact, Tier

PER_PAGE = 50


def _matching(stmt, q: str | None, name_column, email_column):
    """Narrow a list to names or addresses containing ``q`` (case-insensitive)."""
    if not q or not q.strip():
        return stmt
    escaped = q.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped.lower()}%"
    return stmt.where(
        sa.or_(
            sa.func.lower(name_column).like(pattern, escape="\\"),
            email_column.like(pattern, escape="\\"),
        )
    )


@staff_bp.route("/users")
def users():
    """List accounts, newest first, filtered by name, email or tier."""
    form = DirectorySearchForm(request.args)
    stmt = (
        sa.select(User)
        .outerjoin(Contact, Contact.user_id == User.id)
        .options(selectinload(User.contact))
        .where(User.deleted_at.is_(None))
        .order_by(User.created_at.desc(), User.id.desc())
    )
    stmt = _matching(stmt, form.q.data, User.name, User.email)
    if form.tier.data in Tier.__members__:
        tier = Tier[form.tier.data]
        if tier is Tier.unclassified:
            stmt = stmt.where(sa.or_(Contact.id.is_(None), Contact.tier == tier))
        else:
            stmt = stmt.where(Contact.tier == tier)
    page = db.paginate(stmt, per_page=PER_PAGE, error_out=False, count=True)
    return render_template("contacts/users.html", form=form, page=page)


def _get_user(user_id: int) -> User:
    user = db.get_or_404(User, user_id)
    if user.deleted_at is not None:
        abort(404)
    return user


@staff_bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def user_detail(user_id: int):
    """Show one account and let staff set its tier and affiliation."""
    user = _get_user(user_id)
    contact = service.contact_for_user(user)
    data = None
    if request.method == "GET":
        data = {
            "tier": (contact.tier if contact else Tier.unclassified).name,
            "affiliation": (
                contact.affiliation.name
                if contact and contact.affiliation
                else (user.claimed_affiliation.name if user.claimed_affiliation else "")
            ),
        }
    form = ClassifyForm(data=data)
    if form.validate_on_submit():
        service.classify_user(
            user,
            tier=Tier[form.tier.data],
            affiliation=Affiliation[form.affiliation.data] if form.affiliation.data else None,
            by=current_user,
        )
        db.session.commit()
        flash(_("The classification of %(name)s has been saved.", name=user.name), "success")
        return redirect(url_for("contacts_staff.user_detail", user_id=user.id))
    return render_template(
        "contacts/user_detail.html", user=user, contact=contact, form=form, Role=Role
    )


@staff_bp.route("/contacts")
def contacts():
    """List the contact directory, filtered by name, email or tier."""
    form = DirectorySearchForm(request.args)
    stmt = sa.select(Contact).order_by(Contact.name, Contact.id)
    stmt = _matching(stmt, form.q.data, Contact.name, Contact.email)
    if form.tier.data in Tier.__members__:
        stmt = stmt.where(Contact.tier == Tier[form.tier.data])
    page = db.paginate(stmt, per_page=PER_PAGE, error_out=False, count=True)
    return render_template("contacts/contacts.html", form=form, page=page)


@staff_bp.app_template_global()
def tier_label(tier) -> str:
    """The translated name of a tier; people without a contact are unclassified."""
    return str(TIER_LABELS[tier or Tier.unclassified])
