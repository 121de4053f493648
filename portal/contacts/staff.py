"""Staff pages of the contact directory: people with accounts, contacts, classification."""

import re

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from ..accounts.service import get_user_or_404, user_list
from ..audit import history_of
from ..errors import Conflict, ValidationError
from ..extensions import db
from ..forms import apply_error, locale_data, locale_values
from ..paging import paginate
from . import merge, service, staff_bp
from .forms import (
    AccountSearchForm,
    ClassifyForm,
    ContactDetailsForm,
    ContactFilterForm,
    GroupForm,
    GroupsForm,
    MergeForm,
)
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
    return _render_contact(contact, form=form, status=400 if form.errors else 200)


def _details_data(contact) -> dict:
    return {
        "honorific": contact.honorific, "name": contact.name,
        "name_native": contact.name_native, "name_latin": contact.name_latin,
        "name_order": contact.name_order, "email": contact.email,
        "organisation": contact.organisation, "title": contact.title,
        "nationality": contact.nationality or "", "locale": contact.locale,
        "district": contact.district, "tags": ", ".join(service.tags_of(contact)),
    }


def _render_contact(contact, *, form=None, details_form=None, groups_form=None,
                    status: int = 200):
    all_groups = service.groups()
    return render_template(
        "contacts/contact_detail.html", contact=contact,
        form=form or ClassifyForm(data={"tier": contact.tier,
                                        "affiliation": contact.affiliation}),
        details_form=details_form or ContactDetailsForm(formdata=None,
                                                        data=_details_data(contact)),
        groups_form=groups_form or GroupsForm(
            formdata=None, groups=all_groups,
            data={"groups": [g.id for g in service.groups_of(contact)]}),
        contact_groups=service.groups_of(contact), tags=service.tags_of(contact),
        sections=[(section.title,
                   Markup(render_template(section.template, contact=contact,  # noqa: S704
                                          **section.context)))
                  for section in service.contact_sections(contact)],
        history=history_of(("contact", contact.id)),
    ), status


@staff_bp.route("/contacts/<int:contact_id>/details", methods=["POST"])
def contact_details(contact_id: int):
    """Change a contact's names, protocol details, organisation, preferences and tags."""
    contact = service.get_contact_or_404(contact_id)
    form = ContactDetailsForm()
    if form.validate_on_submit():
        try:
            service.update_details(
                contact, by=current_user, honorific=form.honorific.data, name=form.name.data,
                name_native=form.name_native.data, name_latin=form.name_latin.data,
                name_order=form.name_order.data, email=form.email.data,
                organisation=form.organisation.data, title=form.title.data,
                nationality=form.nationality.data or None, locale=form.locale.data,
                district=form.district.data,
            )
            # Commas as typed on any keyboard (full-width in Chinese and Japanese), or semicolons.
            service.set_tags(contact, re.split(r"[,，、;；]", form.tags.data or ""))
        except ValidationError as error:
            db.session.rollback()
            apply_error(form, error)
        else:
            db.session.commit()
            flash(_("The details of %(name)s have been saved.", name=contact.name), "success")
            return redirect(url_for("contacts_staff.contact_detail", contact_id=contact.id))
    return _render_contact(contact, details_form=form, status=400)


@staff_bp.route("/contacts/<int:contact_id>/groups", methods=["POST"])
def contact_groups(contact_id: int):
    """Put a contact in the groups ticked."""
    contact = service.get_contact_or_404(contact_id)
    form = GroupsForm(groups=service.groups())
    if form.validate_on_submit():
        service.set_groups(contact, form.groups.data or [], by=current_user)
        db.session.commit()
        flash(_("The groups of %(name)s have been saved.", name=contact.name), "success")
        return redirect(url_for("contacts_staff.contact_detail", contact_id=contact.id))
    return _render_contact(contact, groups_form=form, status=400)


@staff_bp.route("/contacts/groups")
def groups():
    """List the groups with how many contacts each holds."""
    return render_template("contacts/groups.html", groups=service.groups(),
                           sizes=service.group_sizes())


@staff_bp.route("/contacts/groups/new", methods=["GET", "POST"], defaults={"group_id": None})
@staff_bp.route("/contacts/groups/<int:group_id>", methods=["GET", "POST"])
def group(group_id: int | None):
    """Add a group, or rename one in every language."""
    existing = service.get_group_or_404(group_id) if group_id else None
    data = None
    if existing is not None and request.method == "GET":
        data = {"code": existing.code, **locale_data(existing.names, "name")}
    form = GroupForm(data=data)
    if form.validate_on_submit():
        names = locale_values(form, "name")
        try:
            saved = service.save_group(existing, by=current_user, code=form.code.data,
                                       names=names)
        except ValidationError as error:
            db.session.rollback()
            apply_error(form, error)
        else:
            db.session.commit()
            flash(_("The group has been saved."), "success")
            return redirect(url_for("contacts_staff.contacts", group=saved.id))
    return render_template("contacts/group.html", form=form, group=existing)


def directory_form() -> tuple[ContactFilterForm, dict]:
    """The directory's filter form read from the URL, and the filters it gives."""
    form = ContactFilterForm(request.args, groups=service.groups())
    return form, form.filters()


@staff_bp.route("/contacts")
def contacts():
    """List the contact directory, filtered as the URL says (the filters combine)."""
    form, filters = directory_form()
    page = paginate(service.directory(**filters))
    return render_template("contacts/contacts.html", form=form, page=page,
                           query=request.args.to_dict())


@staff_bp.route("/contacts/duplicates")
def duplicates():
    """List the pairs of contacts that may be one person, each with a link to merge them."""
    page = merge.duplicates_page()
    groups = merge.groups_by_contact(
        i for row in page.items for i in (row.first.id, row.second.id))
    return render_template("contacts/duplicates.html", page=page, groups=groups)


@staff_bp.route("/contacts/<int:contact_id>/merge/<int:other_id>", methods=["GET", "POST"])
def merge_contacts(contact_id: int, other_id: int):
    """Show what merging the second contact into the first would do, and do it."""
    form = MergeForm()
    posted = form.validate_on_submit()
    kept, other = merge.get_pair_or_404(contact_id, other_id, lock=posted)
    status = 200
    if posted:
        try:
            merge.merge_contacts(kept, other, by=current_user)
        except Conflict as error:
            db.session.rollback()
            form.form_errors.append(error.message)
            kept, other = merge.get_pair_or_404(contact_id, other_id)
            status = 409
        else:
            db.session.commit()
            flash(_("The two records have been merged into the record of %(name)s.",
                    name=kept.name), "success")
            return redirect(url_for("contacts_staff.contact_detail", contact_id=kept.id))
    plan = merge.plan_merge(kept, other)
    return render_template("contacts/merge.html", form=form, plan=plan), status
