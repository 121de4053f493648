"""Administrators' page for API keys: the clients, a new key (shown once), revoking one."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..errors import Conflict, ValidationError
from ..extensions import db
from ..forms import apply_error
from ..paging import paginate
from ..staffdesk import admin_required
from . import service, staff_bp
from .forms import ApiClientForm, RevokeForm


@staff_bp.route("/", methods=["GET", "POST"])
@admin_required
def clients():
    """List the API clients and issue a key to a new one."""
    form = ApiClientForm()
    if form.validate_on_submit():
        try:
            client, key = service.create_client(name=form.name.data, by=current_user)
        except ValidationError as error:
            apply_error(form, error)
        else:
            db.session.commit()
            # Shown in this answer only (never stored, never in a redirect or the session).
            return render_template("api/created.html", client=client, key=key)
    return render_template("api/clients.html", form=form, revoke_form=RevokeForm(),
                           page=paginate(service.client_list()))


@staff_bp.route("/<int:client_id>/revoke", methods=["POST"])
@admin_required
def revoke(client_id: int):
    """Revoke a client's key: its next request is refused."""
    client = service.get_client_or_404(client_id)
    if RevokeForm().validate_on_submit():
        try:
            service.revoke_client(client, by=current_user)
        except Conflict as error:
            flash(error.message, "warning")
        else:
            db.session.commit()
            flash(_("The key of %(name)s has been revoked.", name=client.name), "success")
    return redirect(url_for("api_staff.clients"))
