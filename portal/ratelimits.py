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
from dataclasses import dataclass

from flask import current_app
from flask_login import current_user
from limits import parse_many

from .addresses import email_key
from .errors import TooManyAttempts
from .extensions import limiter


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def account_key(address: str) -> str:
    """The key of the account an address names, whether or not it exists."""
    return "account:" + _digest(email_key(address))


def signed_in_key() -> str:
    """The signed-in user, as a limit key."""
    return f"user:{getattr(current_user, 'id', None)}"


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


@dataclass(frozen=True)
class FormLimit:
    """A limit on a form's submissions that the view checks, so the form stays on screen.

    Flask-Limiter's decorators answer a bare 429 before the view runs, and what the person
    typed is lost; this keeps the same counters (the limiter's storage and strategy) but lets
    the view refuse with the form, its input and the real waiting time. ``setting`` names a
    configuration entry such as ``"10 per hour"`` (several joined with ``;``). The view asks
    ``retry_after(key)`` before acting and calls ``hit(key)`` for what it counts (for
    registration: only forms that passed their checks).
    """

    name: str
    setting: str

    def _items(self):
        return parse_many(current_app.config[self.setting])

    def _identifiers(self, key: str) -> tuple[str, str]:
        return f"{current_app.config.get('RATELIMIT_KEY_PREFIX', '')}form:{self.name}", key

    def retry_after(self, key: str) -> int:
        """Seconds until ``key`` may submit again; 0 when it may now."""
        if not current_app.config.get("RATELIMIT_ENABLED", True):
            return 0
        strategy = limiter.limiter
        identifiers = self._identifiers(key)
        waits = [
            max(1, math.ceil(strategy.get_window_stats(item, *identifiers).reset_time
                             - time.time()))
            for item in self._items()
            if not strategy.test(item, *identifiers)
        ]
        return max(waits, default=0)

    def hit(self, key: str) -> None:
        """Count one submission for ``key``."""
        if not current_app.config.get("RATELIMIT_ENABLED", True):
            return
        strategy = limiter.limiter
        for item in self._items():
            strategy.hit(item, *self._identifiers(key))

    def check(self, key: str) -> None:
        """Raise TooManyAttempts while ``key`` must wait."""
        wait = self.retry_after(key)
        if wait:
            raise TooManyAttempts(wait)
