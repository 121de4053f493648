"""What rate limits count against, and a throttle that slows repeated failures down.

Flask-Limiter counts requests per key in its storage (memory, or Redis shared by every
process). By default the key is the client's address (``extensions.client_address``); the
other keys are built here: the account an address names (in its normalised form, so
``maria@example.ｐｈ`` counts as ``maria@example.ph``), the signed-in user.
``FailureThrottle`` uses the same storage to make each further failure wait longer.
"""

import hashlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, request
from flask_login import current_user

from .addresses import email_key
from .extensions import limiter


def configured(name: str) -> Callable[[], str]:
    """A limit read from the configuration when the request is checked (``LOGIN_LIMIT_PER_IP``)."""
    return lambda: current_app.config[name]


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def account_key(address: str) -> str:
    """The key of the account an address names, whether or not it exists."""
    return "account:" + _digest(email_key(address))


def submitted_account_key() -> str:
    """Flask-Limiter key: the account named by the submitted form's ``email`` field."""
    return account_key(request.form.get("email") or "")


def user_key(scope: str) -> Callable[[], str]:
    """Flask-Limiter key function: the signed-in user, within ``scope``."""
    return lambda: f"{scope}:user:{getattr(current_user, 'id', None)}"


@dataclass(frozen=True)
class FailureThrottle:
    """Slow down repeated failures for one key with a growing wait, never a long lock-out.

    The first ``free`` failures within ``window`` seconds cost nothing; each one after them
    makes the next attempt wait twice as long as the last (1 s, 2 s, 4 s ...), up to ``cap``
    seconds. A success clears the count. Settings come from the configuration entry named
    ``setting``: a mapping with ``free``, ``window`` and ``cap``.
    """

    name: str
    setting: str

    def _settings(self) -> dict[str, int]:
        return current_app.config[self.setting]

    def _keys(self, key: str) -> tuple[str, str]:
        base = f"{current_app.config.get('RATELIMIT_KEY_PREFIX', '')}throttle:{self.name}:"
        base += _digest(key)
        return base + ":failures", base + ":wait"

    @staticmethod
    def _active() -> bool:
        return bool(current_app.config.get("RATELIMIT_ENABLED", True))

    def retry_after(self, key: str) -> int:
        """Seconds before ``key`` may try again; 0 when it may try now."""
        if not self._active():
            return 0
        _, wait_key = self._keys(key)
        storage = limiter.storage
        if storage.get(wait_key) <= 0:
            return 0
        return max(1, math.ceil(storage.get_expiry(wait_key) - time.time()))

    def failed(self, key: str) -> int:
        """Count a failure; return the seconds the next attempt must wait."""
        if not self._active():
            return 0
        settings = self._settings()
        failures_key, wait_key = self._keys(key)
        storage = limiter.storage
        failures = storage.incr(failures_key, settings["window"])
        beyond = failures - settings["free"]
        if beyond <= 0:
            return 0
        wait = min(2 ** (beyond - 1), settings["cap"])
        storage.clear(wait_key)
        storage.incr(wait_key, wait)
        return wait

    def succeeded(self, key: str) -> None:
        """Forget the failures of ``key``."""
        if not self._active():
            return
        for storage_key in self._keys(key):
            limiter.storage.clear(storage_key)
