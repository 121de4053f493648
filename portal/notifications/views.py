"""A person's notifications: the list, marking them read, and how to hear of each kind."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..extensions import db
from ..paging import paginate
from . import bp, service
from .forms import ButtonForm, field_name, settings_form
from .kinds import choosable_kinds


@bp.route("/")
@login_required
def index():
    """List the signed-in person's notifications, newest first."""
    page = paginate(service.notifications_of(current_user))
    return render_template(
        "notifications/index.html",
        page=page,
        gone=service.gone_objects(page.items),
        button_form=ButtonForm(),
    )


@bp.route("/<int:notification_id>/read", methods=["POST"])
@login_required
def mark_read(notification_id: int):
    """Mark one notification as read."""
    if ButtonForm().validate_on_submit():
        if not service.mark_read(current_user, notification_id):
            abort(404)
        db.session.commit()
    return redirect(url_for("notifications.index", page=request.args.get("page", type=int)))


@bp.route("/read", methods=["POST"])
@login_required
def mark_all_read():
    """Mark every notification as read."""
    if ButtonForm().validate_on_submit():
        service.mark_all_read(current_user)
        db.session.commit()
        flash(_("All your notifications are marked as read."), "success")
    return redirect(url_for("notifications.index"))


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    """Choose, for each kind of notification, mail at once, a daily digest or the portal only."""
    kinds = choosable_kinds(current_user)
    data = None
    if request.method == "GET":
        chosen = service.preferences_of(current_user, kinds)
        data = {field_name(kind): chosen[kind.name] for kind in kinds}
    form = settings_form(kinds, data=data)
    if form.validate_on_submit():
        service.set_preferences(
            current_user, {kind.name: form[field_name(kind)].data for kind in kinds}
        )
        db.session.commit()
        flash(_("Your choices have been saved."), "success")
        return redirect(url_for("notifications.settings"))
    fields = [form[field_name(kind)] for kind in kinds]
    return render_template("notifications/settings.html", form=form, fields=fields)


def unread_notifications() -> int:
    """The signed-in person's unread count, for the header (counted once per request)."""
    if "unread_notifications" not in g:
        g.unread_notifications = (
            service.unread_count(current_user) if current_user.is_authenticated else 0
        )
    return g.unread_notifications
