"""Resident-facing account pages. Views parse, call a service, commit once and redirect."""

import json

from flask import Response, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..addresses import email_key
from ..errors import TooManyAttempts, ValidationError
from ..extensions import client_address, db
from ..forms import apply_error, refuse_attempt, wait_message
from ..i18n import current_lang
from ..ratelimits import FormLimit, signed_in_key
from . import bp, privacy, signin, staff_accounts
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
from .passwords import has_password
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
from .tokens import make_reset_token

# Limits checked by the views themselves, so a refused form stays on screen with what was
# typed and the real waiting time (ratelimits.FormLimit).
SIGN_IN_ATTEMPTS = FormLimit("sign-in", "LOGIN_LIMIT_PER_IP")
RESET_REQUESTS = FormLimit("reset", "RESET_LIMIT_PER_IP")
RESET_REQUESTS_PER_ACCOUNT = FormLimit("reset-account", "RESET_LIMIT_PER_ACCOUNT")
EMAIL_CHANGES = FormLimit("email-change", "EMAIL_CHANGE_LIMIT_PER_USER")
CONFIRMATION_RESENDS = FormLimit("resend", "RESEND_LIMIT_PER_USER")


@bp.route("/register", methods=["GET", "POST"])
def register():
    """Create a resident account."""
    if current_user.is_authenticated:
        return redirect(url_for("accounts.account"))
    form = RegisterForm(locale=current_lang() if request.method == "GET" else None)
    status, headers = 200, {}
    if form.validate_on_submit():
        try:
            # Only registrations that passed their checks count against the limit.
            signin.REGISTRATIONS.check(client_address())
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
        except TooManyAttempts as error:
            status, headers = refuse_attempt(form, error)
        except ValidationError as error:
            apply_error(form, error)
        else:
            signin.REGISTRATIONS.hit(client_address())
            db.session.commit()
            # The next page says where the mail went; it is the address this browser typed.
            session["registered_email"] = email_key(form.email.data)
            return redirect(url_for("accounts.registered"))
    return render_template("accounts/register.html", form=form), status, headers


@bp.route("/register/done")
def registered():
    """Tell a new registrant where the confirmation mail went, and what to do without it."""
    return render_template("accounts/registered.html", email=session.get("registered_email"),
                           button_form=ButtonForm())


@bp.route("/register/resend", methods=["POST"])
def resend_registration():
    """Send the confirmation link again to the address this browser registered with."""
    email = session.get("registered_email")
    if ButtonForm().validate_on_submit() and email:
        wait = max(CONFIRMATION_RESENDS.retry_after(client_address()),
                   CONFIRMATION_RESENDS.retry_after(email))
        if wait:
            flash(wait_message(wait), "warning")
        else:
            CONFIRMATION_RESENDS.hit(client_address())
            CONFIRMATION_RESENDS.hit(email)
            signin.resend_confirmation_to(email)
            db.session.commit()
            flash(_("If the address still needs confirming, we have sent the link again."),
                  "success")
    return redirect(url_for("accounts.registered"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in with email and password."""
    if current_user.is_authenticated:
        return redirect(next_url())
    form = LoginForm()
    status, headers = 200, {}
    if form.validate_on_submit():
        try:
            SIGN_IN_ATTEMPTS.check(client_address())
            SIGN_IN_ATTEMPTS.hit(client_address())
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


def _confirm_by_button(token: str, action, *, done: str, heading: str | None = None,
                       then=None):
    """Show a mailed link's page with a button; apply ``action(token)`` only when pressed.

    Opening the link changes nothing, so mail scanners that fetch links confirm nothing.
    ``then(result)`` may name the page to go to next (with its own message), else the account
    or the sign-in page.
    """
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            result = action(token)
        except ValidationError as error:
            return render_template(
                "accounts/confirm.html", form=None, error=error.message, heading=heading
            ), 400
        following = then(result) if then else None
        db.session.commit()
        if following:
            flash(following[1], "success")
            return redirect(following[0])
        flash(done, "success")
        return redirect(
            url_for("accounts.account" if current_user.is_authenticated else "accounts.login")
        )
    return render_template("accounts/confirm.html", form=form, error=None, heading=heading)


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str):
    """Confirm the email address a new account registered with."""
    return _confirm_by_button(
        token, signin.confirm_email, done=_("Thank you: your email address is confirmed."),
        then=_choose_a_password,
    )


def _choose_a_password(user):
    """Someone who reported first without a password chooses one once their address is theirs."""
    if has_password(user.password_hash) or current_user.is_authenticated:
        return None
    return (url_for("accounts.reset", token=make_reset_token(user)),
            _("Thank you: your email address is confirmed. Choose a password to sign in."))


@bp.route("/confirm/resend", methods=["POST"])
@login_required
def resend_confirmation():
    """Send the confirmation mail again."""
    if ButtonForm().validate_on_submit() and not current_user.is_confirmed:
        wait = CONFIRMATION_RESENDS.retry_after(signed_in_key())
        if wait:
            flash(wait_message(wait), "warning")
        else:
            CONFIRMATION_RESENDS.hit(signed_in_key())
            signin.send_confirmation(current_user)
            db.session.commit()
            flash(_("We sent you a new confirmation link."), "success")
    return redirect(url_for("accounts.account"))


@bp.route("/reset", methods=["GET", "POST"])
def reset_request():
    """Ask for a password reset link."""
    form = ResetRequestForm(email=request.args.get("email", "")[:320] or None)
    status, headers = 200, {}
    if form.validate_on_submit():
        account = email_key(form.email.data)
        try:
            RESET_REQUESTS.check(client_address())
            RESET_REQUESTS_PER_ACCOUNT.check(account)
        except TooManyAttempts as error:
            status, headers = refuse_attempt(form, error)
        else:
            RESET_REQUESTS.hit(client_address())
            RESET_REQUESTS_PER_ACCOUNT.hit(account)
            signin.request_password_reset(form.email.data)
            db.session.commit()
            session["reset_email"] = account
            return redirect(url_for("accounts.reset_sent"))
    return render_template("accounts/reset_request.html", form=form), status, headers


@bp.route("/reset/sent")
def reset_sent():
    """Tell the person where the reset link went (if an account uses the address)."""
    return render_template("accounts/reset_sent.html", email=session.get("reset_email"))


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


@bp.route("/welcome/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    """Let an invited colleague choose their first password."""
    try:
        staff_accounts.user_for_invitation(token)
    except ValidationError as error:
        return render_template("accounts/reset.html", form=None, error=error.message,
                               heading=_("Welcome to the staff desk")), 400
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            staff_accounts.accept_invitation(token, form.password.data)
        except ValidationError as error:
            apply_error(form, error)
        else:
            db.session.commit()
            flash(_("Your password is set. You can sign in now."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset.html", form=form, error=None,
                           heading=_("Welcome to the staff desk"))


@bp.route("/account/")
@login_required
def account():
    """Show the signed-in person's account and the devices signed in to it."""
    sessions = [
        {"session": s, "device": describe_device(s.user_agent),
         "current": is_current(current_user, s)}
        for s in active_sessions(current_user)
    ]
    return render_template("accounts/account.html", sessions=sessions)


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
def change_email():
    """Ask to move the account to another address, confirmed from that address."""
    form = ChangeEmailForm()
    status, headers = 200, {}
    if form.validate_on_submit():
        try:
            EMAIL_CHANGES.check(signed_in_key())
            privacy.request_email_change(
                current_user, new_email=form.new_email.data, password=form.password.data
            )
        except TooManyAttempts as error:
            status, headers = refuse_attempt(form, error)
        except ValidationError as error:
            db.session.commit()
            apply_error(form, error)
        else:
            EMAIL_CHANGES.hit(signed_in_key())
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


@bp.route("/account/data")
@login_required
def my_data():
    """Show everything the portal holds about the signed-in person, readably."""
    return render_template("accounts/data.html", sections=privacy.readable_data(current_user))


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
