"""Resident-facing account pages. Views parse, call a service, commit once and redirect."""

import json

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import TooManyAttempts, ValidationError
from ..extensions import db, limiter
from ..forms import apply_error, refuse_attempt
from ..i18n import current_lang
from ..ratelimits import configured, submitted_account_key, user_key
from . import bp, privacy, signin
from .forms import (
    ButtonForm,
    ChangeEmailForm,
    ChangePasswordForm,
    ConfirmForm,
    DeleteAccountForm,
    LoginForm,
    NewPasswordForm,
    ProfileForm,
    RegisterForm,
    ResetRequestForm,
)
from .guards import next_url
from .models import ConsentPurpose
from .security_log import record
from .sessions import (
    active_sessions,
    describe_device,
    end_session,
    is_current,
    revoke_all_sessions,
    revoke_session,
    start_session,
)


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(configured("REGISTER_LIMIT_PER_IP"), methods=["POST"])
def register():
    """Create a resident account."""
    if current_user.is_authenticated:
        return redirect(url_for("accounts.account"))
    form = RegisterForm(locale=current_lang() if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            signin.register_resident(
                name=form.name.data,
                email=form.email.data,
                password=form.password.data,
                locale=form.locale.data,
                nationality=form.nationality.data,
                district=form.district.data,
                claimed_affiliation=form.claimed_affiliation.data,
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
@limiter.limit(configured("LOGIN_LIMIT_PER_IP"), methods=["POST"])
def login():
    """Sign in with email and password."""
    if current_user.is_authenticated:
        return redirect(next_url())
    form = LoginForm()
    status, headers = 200, {}
    if form.validate_on_submit():
        try:
            user = signin.authenticate(form.email.data, form.password.data)
        except TooManyAttempts as error:
            status, headers = refuse_attempt(form, error)
        else:
            if user is None:
                db.session.commit()  # the audit entry of a failure on a staff account
                form.form_errors.append(_("The email address or password is not correct."))
            else:
                start_session(user, remember=form.remember.data)
                db.session.commit()
                flash(_("You are signed in."), "success")
                default = "staff.dashboard" if user.is_staff else "accounts.account"
                return redirect(next_url(default))
    return render_template("accounts/login.html", form=form), status, headers


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out and revoke this browser's session on the server."""
    if current_user.is_authenticated:
        record("signout", current_user._get_current_object())
        end_session(current_user)
        db.session.commit()
    flash(_("You are signed out."), "success")
    return redirect(url_for("pages.home"))


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
        token, signin.confirm_email, done=_("Thank you: your email address is confirmed.")
    )


@bp.route("/confirm/resend", methods=["POST"])
@login_required
@limiter.limit("3 per hour", key_func=user_key("resend"))
def resend_confirmation():
    """Send the confirmation mail again."""
    if ButtonForm().validate_on_submit() and not current_user.is_confirmed:
        signin.send_confirmation(current_user)
        db.session.commit()
        flash(_("We sent you a new confirmation link."), "success")
    return redirect(url_for("accounts.account"))


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(configured("RESET_LIMIT_PER_IP"), methods=["POST"])
@limiter.limit(configured("RESET_LIMIT_PER_ACCOUNT"), methods=["POST"],
               key_func=submitted_account_key)
def reset_request():
    """Ask for a password reset link."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        signin.request_password_reset(form.email.data)
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
        signin.user_for_reset_token(token)
    except ValidationError as error:
        return render_template("accounts/reset.html", form=None, error=error.message), 400
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            signin.reset_password(token, form.password.data)
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
    """Show the signed-in person's account and the devices signed in to it."""
    sessions = [
        {"session": s, "device": describe_device(s.user_agent),
         "current": is_current(current_user, s)}
        for s in active_sessions(current_user)
    ]
    return render_template("accounts/account.html", button_form=ButtonForm(), sessions=sessions)


@bp.route("/account/sessions/others", methods=["POST"])
@login_required
def end_other_sessions():
    """Sign out every other device."""
    if ButtonForm().validate_on_submit():
        ended = revoke_all_sessions(current_user, keep_current=True)
        record("sessions.ended_others", current_user._get_current_object(), count=ended)
        db.session.commit()
        flash(_("You are signed out on every other device."), "success")
    return redirect(url_for("accounts.account"))


@bp.route("/account/sessions/<int:session_id>/end", methods=["POST"])
@login_required
def end_one_session(session_id: int):
    """Sign out one other device."""
    if ButtonForm().validate_on_submit():
        if not revoke_session(current_user, session_id):
            abort(404)
        record("sessions.ended_one", current_user._get_current_object())
        db.session.commit()
        flash(_("That device is signed out."), "success")
    return redirect(url_for("accounts.account"))


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
            "district": user.district,
            "claimed_affiliation": user.claimed_affiliation,
            "consent_invitations": ConsentPurpose.invitations in active,
            "consent_research": ConsentPurpose.research in active,
        }
    form = ProfileForm(data=data, staff=user.is_staff)
    if form.validate_on_submit():
        privacy.update_profile(
            user,
            name=form.name.data,
            locale=form.locale.data,
            nationality=form.nationality.data or None,
            district=form.district.data,
            claimed_affiliation=form.claimed_affiliation.data,
        )
        purposes = {ConsentPurpose.account}
        if form.consent_invitations.data:
            purposes.add(ConsentPurpose.invitations)
        if form.consent_research.data:
            purposes.add(ConsentPurpose.research)
        privacy.set_consents(user, purposes)
        db.session.commit()
        flash(_("Your profile has been saved."), "success")
        return redirect(url_for("accounts.account", lang=user.locale))
    return render_template("accounts/profile.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change the password, ending every other session."""
    form = ChangePasswordForm()
    status, headers = 200, {}
    if form.validate_on_submit():
        try:
            signin.change_password(
                current_user, current=form.current_password.data, new=form.new_password.data
            )
        except TooManyAttempts as error:
            status, headers = refuse_attempt(form, error)
        except ValidationError as error:
            db.session.commit()  # the record of a wrong current password
            apply_error(form, error)
        else:
            db.session.commit()
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/password.html", form=form), status, headers


@bp.route("/account/email", methods=["GET", "POST"])
@login_required
@limiter.limit(configured("EMAIL_CHANGE_LIMIT_PER_USER"), methods=["POST"],
               key_func=user_key("email-change"))
def change_email():
    """Ask to move the account to another address, confirmed from that address."""
    form = ChangeEmailForm()
    status, headers = 200, {}
    if form.validate_on_submit():
        try:
            privacy.request_email_change(
                current_user, new_email=form.new_email.data, password=form.password.data
            )
        except TooManyAttempts as error:
            status, headers = refuse_attempt(form, error)
        except ValidationError as error:
            db.session.commit()
            apply_error(form, error)
        else:
            db.session.commit()
            flash(
                _("We have sent a link to %(email)s. Follow it to change your address.",
                  email=form.new_email.data.strip()),
                "success",
            )
            return redirect(url_for("accounts.account"))
    return render_template("accounts/change_email.html", form=form), status, headers


@bp.route("/account/email/<token>", methods=["GET", "POST"])
def confirm_email_change(token: str):
    """Confirm a new address from the link mailed to it."""
    return _confirm_by_button(
        token,
        privacy.confirm_email_change,
        done=_("Your email address has been changed."),
        heading=_("Confirm your new email address"),
    )


@bp.route("/account/export")
@login_required
def export():
    """Download everything the portal holds about the signed-in person, as JSON."""
    data = privacy.export_data(current_user)
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
    status, headers = 200, {}
    if form.validate_on_submit():
        try:
            privacy.delete_account(current_user, password=form.password.data)
        except TooManyAttempts as error:
            status, headers = refuse_attempt(form, error)
        except ValidationError as error:
            db.session.commit()
            apply_error(form, error)
        else:
            end_session(current_user)
            db.session.commit()
            flash(_("Your account has been deleted."), "success")
            return redirect(url_for("pages.home"))
    return render_template("accounts/delete.html", form=form), status, headers
