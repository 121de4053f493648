"""Hooks through which higher domains react to account events without accounts importing them."""

from blinker import Namespace

_signals = Namespace()

#: sent with ``user`` after a new account is flushed.
user_registered = _signals.signal("user-registered")
#: sent with ``user`` before an account's personal data is erased.
account_deleting = _signals.signal("account-deleting")
#: sent with ``user`` and ``data`` (a dict to add sections to) when a person exports their data.
data_export = _signals.signal("data-export")
#: sent with ``user`` when an address is confirmed for the first time.
email_confirmed = _signals.signal("email-confirmed")
#: sent with ``user`` after their password changed (by themselves or through a reset link).
password_changed = _signals.signal("password-changed")
#: sent with ``user`` and ``old_email`` after the account moved to a new address.
email_changed = _signals.signal("email-changed")
#: sent with ``user`` and ``sections`` (a list of DataSection to add to) to show a person, in
#: their language, what the portal holds about them.
data_view = _signals.signal("data-view")
