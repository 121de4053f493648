"""Hooks through which higher domains react to account events without accounts importing them."""

from blinker import Namespace

_signals = Namespace()

#: sent with ``user`` after a new account is flushed.
user_registered = _signals.signal("user-registered")
#: sent with ``user`` before an account's personal data is erased.
account_deleting = _signals.signal("account-deleting")
#: sent with ``user`` and ``data`` (a dict to add sections to) when a person exports their data.
data_export = _signals.signal("data-export")
