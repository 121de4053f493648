"""Resident-facing account pages. Views parse, call a service, commit once and redirect."""

import hashlib
import json

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import ValidationError
from ..extensions import db, limiter
from ..forms import apply_error
from ..i18n import current_lang
from . import bp, service
from .forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    ConfirmForm,
    DeleteAccountForm,
    LoginForm,
    NewPasswordForm,
    ProfileForm,
    RegisterForm,
    ResendConfirmationForm,
    ResetRequestForm,
)
from .guards import next_url
from .models import AFFILIATION_LABELS, ROLE_LABELS, ConsentPurpose
from .sessions import end_session, start_session


def _account_key() -> str:
    """Rate-limit key for the account named in the submitted form."""
    email = (request.form.get("email") or "").strip().lower()
    return "account:" + hashlib.sha256(email.encode()).hexdigest()


def _limit(name: str):
    return lambda: current_app.config[name]


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_limit("REGISTER_LIMIT_PER_IP"), methods=["POST"])
def register():
    """Create a resident account."""
    if current_user.is_authenticated:
        return redirect(url_for("accounts.account"))
    form = RegisterForm(locale=current_lang() if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            service.register_resident(
                name=form.name.data,
                email=form.email.data,
                password=form.password.data,
                locale=form.locale.data,
                nationality=form.nationality.data,
                district=form.district.data,
                claimed_affiliation=form.affiliation_value,
                consents=form.consents,
            )
        except ValidationError as error:
            apply_error(form, error)
        else:
            db.session.commit()
            return redirect(url_for("accounts.registered"))
    return render_template("accounts/register.html", form=form)


@bp.route("/register/done")
def registered():
    """Tell a new registrant to look for the confirmation mail."""
    return render_template("accounts/registered.html")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_limit("LOGIN_LIMIT_PER_IP"), methods=["POST"])
@limiter.limit(_limit("LOGIN_LIMIT_PER_ACCOUNT"), methods=["POST"], key_func=_account_key)
def login():
    """Sign in with email and password."""
    if current_user.is_authenticated:
        return redirect(next_url())
    form = LoginForm()
    if form.validate_on_submit():
        user = service.authenticate(form.email.data, form.password.data)
        if user is None:
            form.form_errors.append(_("The email address or password is not correct."))
        else:
            start_session(user, remember=form.remember.data)
            db.session.commit()
            flash(_("You are signed in."), "success")
            default = "staff.dashboard" if user.is_staff else "accounts.account"
            return redirect(next_url(default))
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out and revoke this browser's session on the server."""
    if current_user.is_authenticated:
        end_session(current_user)
        db.session.commit()
    flash(_("You are signed out."), "success")
    return redirect(url_for("core.home"))


def _confirm_by_button(token: str, action, *, done: str, heading: str | None = None):
    """Show a mailed link's page with a button; apply ``action(token)`` only when pressed.

    Opening the link changes nothing, so mail scanners that fetch links confirm nothing.
    """
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            action(token)
        except ValidationError as error:
            return render_template(
                "accounts/confirm.html", form=None, error=error.message, heading=heading
            ), 400
        db.session.commit()
        flash(done, "success")
        return redirect(
            url_for("accounts.account" if current_user.is_authenticated else "accounts.login")
        )
    return render_template("accounts/confirm.html", form=form, error=None, heading=heading)


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str):
    """Confirm the email address a new account registered with."""
    return _confirm_by_button(
        token, service.confirm_email, done=_("Thank you: your email address is confirmed.")
    )


@bp.route("/confirm/resend", methods=["POST"])
@login_required
@limiter.limit("3 per hour", key_func=lambda: f"resend:{current_user.id}")
def resend_confirmation():
    """Send the confirmation mail again."""
    if ResendConfirmationForm().validate_on_submit() and not current_user.is_confirmed:
        service.send_confirmation(current_user)
        db.session.commit()
        flash(_("We sent you a new confirmation link."), "success")
    return redirect(url_for("accounts.account"))


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(_limit("RESET_LIMIT_PER_IP"), methods=["POST"])
@limiter.limit(_limit("RESET_LIMIT_PER_ACCOUNT"), methods=["POST"], key_func=_account_key)
def reset_request():
    """Ask for a password reset link."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        service.request_password_reset(form.email.data)
        db.session.commit()
        flash(
            _("If an account uses this address, we have sent it a link to reset the password."),
            "success",
        )
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset(token: str):
    """Choose a new password through a reset link."""
    try:
        service.user_for_reset_token(token)
    except ValidationError as error:
        return render_template("accounts/reset.html", form=None, error=error.message), 400
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            service.reset_password(token, form.password.data)
        except ValidationError as error:
            apply_error(form, error)
        else:
            db.session.commit()
            flash(_("Your password has been changed. You can sign in now."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset.html", form=form, error=None)


@bp.route("/account/")
@login_required
def account():
    """Show the signed-in person's account."""
    return render_template("accounts/account.html", resend_form=ResendConfirmationForm())


@bp.route("/account/profile", methods=["GET", "POST"])
@login_required
def profile():
    """Edit name, language, nationality, district, affiliation and optional consents."""
    user = current_user
    data = None
    if request.method == "GET":
        active = {c.purpose for c in user.consents if c.withdrawn_at is None}
        data = {
            "name": user.name,
            "locale": user.locale,
            "nationality": user.nationality or "",
            "district": user.district or "",
            "claimed_affiliation": (
                user.claimed_affiliation.name if user.claimed_affiliation else ""
            ),
            "consent_invitations": ConsentPurpose.invitations in active,
            "consent_research": ConsentPurpose.research in active,
        }
    form = ProfileForm(data=data, staff=user.is_staff)
    if form.validate_on_submit():
        service.update_profile(
            user,
            name=form.name.data,
            locale=form.locale.data,
            nationality=form.nationality.data or None,
            district=form.district.data or None,
            claimed_affiliation=form.affiliation_value,
        )
        purposes = {ConsentPurpose.account}
        if form.consent_invitations.data:
            purposes.add(ConsentPurpose.invitations)
        if form.consent_research.data:
            purposes.add(ConsentPurpose.research)
        service.set_consents(user, purposes)
        db.session.commit()
        flash(_("Your profile has been saved."), "success")
        return redirect(url_for("accounts.account", lang=user.locale))
    return render_template("accounts/profile.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change the password, ending every other session."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            service.change_password(
                current_user, current=form.current_password.data, new=form.new_password.data
            )
        except ValidationError as error:
            apply_error(form, error)
        else:
            db.session.commit()
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/password.html", form=form)


@bp.route("/account/email", methods=["GET", "POST"])
@login_required
@limiter.limit("5 per hour", methods=["POST"], key_func=lambda: f"email:{current_user.id}")
def change_email():
    """Ask to move the account to another address, confirmed from that address."""
    form = ChangeEmailForm()
    if form.validate_on_submit():
        try:
            service.request_email_change(
                current_user, new_email=form.new_email.data, password=form.password.data
            )
        except ValidationError as error:
            apply_error(form, error)
        else:
            db.session.commit()
            flash(
                _("We have sent a link to %(email)s. Follow it to change your address.",
                  email=form.new_email.data.strip()),
                "success",
            )
            return redirect(url_for("accounts.account"))
    return render_template("accounts/change_email.html", form=form)


@bp.route("/account/email/<token>", methods=["GET", "POST"])
def confirm_email_change(token: str):
    """Confirm a new address from the link mailed to it."""
    return _confirm_by_button(
        token,
        service.confirm_email_change,
        done=_("Your email address has been changed."),
        heading=_("Confirm your new email address"),
    )


@bp.route("/account/export")
@login_required
def export():
    """Download everything the portal holds about the signed-in person, as JSON."""
    data = service.export_data(current_user)
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="my-seoul-portal-data.json"'},
    )


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
def delete():
    """Erase the account after the person confirms with their password."""
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            service.delete_account(current_user, password=form.password.data)
        except ValidationError as error:
            apply_error(form, error)
        else:
            end_session(current_user)
            db.session.commit()
            flash(_("Your account has been deleted."), "success")
            return redirect(url_for("core.home"))
    return render_template("accounts/delete.html", form=form)


@bp.app_template_global()
def role_label(role) -> str:
    """The translated name of a role."""
    return str(ROLE_LABELS[role]) if role in ROLE_LABELS else ""


@bp.app_template_global()
def affiliation_label(affiliation) -> str:
    """The translated name of an affiliation."""
    return str(AFFILIATION_LABELS[affiliation]) if affiliation in AFFILIATION_LABELS else ""
