"""Staff pages of the contact directory: people with accounts, contacts, classification."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.service import get_user_or_404, user_list
from ..audit import history_of
from ..extensions import db
from ..paging import paginate
from . import service, staff_bp
from .forms import AccountSearchForm, ClassifyForm, DirectorySearchForm
from .models import Tier


@staff_bp.route("/users")
def users():
    """List accounts, newest first, filtered by name, email or tier."""
    form = AccountSearchForm(request.args)
    filters = form.filters()
    tier = filters["tier"]
    stmt = user_list(
        q=filters["q"],
        unconfirmed=filters["unconfirmed"],
        only=service.classified_user_ids(tier)
        if tier not in (None, Tier.unclassified) else None,
        excluding=service.classified_user_ids_except(Tier.unclassified)
        if tier is Tier.unclassified else None,
    )
    page = paginate(stmt)
    contacts = service.contacts_for_users(user.id for user in page.items)
    # An account without a contact has not been classified yet.
    tiers = {
        user.id: contacts[user.id].tier if user.id in contacts else Tier.unclassified
        for user in page.items
    }
    return render_template("contacts/users.html", form=form, page=page, tiers=tiers)


@staff_bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def user_detail(user_id: int):
    """Show one account and let staff set its tier and affiliation."""
    user = get_user_or_404(user_id)
    contact = service.contact_for_user(user)
    data = None
    if request.method == "GET":
        data = {
            "tier": contact.tier if contact else Tier.unclassified,
            "affiliation": contact.affiliation if contact and contact.affiliation
            else user.claimed_affiliation,
        }
    form = ClassifyForm(data=data)
    if form.validate_on_submit():
        service.classify_user(
            user, tier=form.tier.data, affiliation=form.affiliation.data, by=current_user
        )
        db.session.commit()
        flash(_("The classification of %(name)s has been saved.", name=user.name), "success")
        return redirect(url_for("contacts_staff.user_detail", user_id=user.id))
    objects = [("user", user.id)] + ([("contact", contact.id)] if contact else [])
    return render_template("contacts/user_detail.html", user=user, contact=contact, form=form,
                           history=history_of(*objects))


@staff_bp.route("/contacts/<int:contact_id>", methods=["GET", "POST"])
def contact_detail(contact_id: int):
    """Show one contact, with or without an account, and let staff classify them."""
    contact = service.get_contact_or_404(contact_id)
    data = None
    if request.method == "GET":
        data = {"tier": contact.tier, "affiliation": contact.affiliation}
    form = ClassifyForm(data=data)
    if form.validate_on_submit():
        service.classify_contact(
            contact, tier=form.tier.data, affiliation=form.affiliation.data, by=current_user
        )
        db.session.commit()
        flash(_("The classification of %(name)s has been saved.", name=contact.name), "success")
        return redirect(url_for("contacts_staff.contact_detail", contact_id=contact.id))
    return render_template("contacts/contact_detail.html", contact=contact, form=form,
                           history=history_of(("contact", contact.id)))


@staff_bp.route("/contacts")
def contacts():
    """List the contact directory, filtered by name, email or tier."""
    form = DirectorySearchForm(request.args)
    page = paginate(service.directory(**form.filters()))
    return render_template("contacts/contacts.html", form=form, page=page)
