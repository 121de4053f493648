"""Values signed with the secret key, for links in mail and hidden form fields.

A signed value carries its data and a signature, nothing secret: unguessable without the key,
and any change to it breaks the signature. Each use names its own ``salt``, so a value signed
for one purpose is refused by another. Links that expire are made in ``accounts.tokens``.
"""

from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer


def _serializer(salt: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=salt)


def sign(value: Any, *, salt: str) -> str:
    """``value`` (anything JSON can hold) as URL-safe text signed for ``salt``."""
    return _serializer(salt).dumps(value)


def unsign(text: str, *, salt: str) -> Any:
    """The value ``sign`` put in ``text`` for ``salt``; None when it was altered or is not ours.

    The caller still checks the value's shape: a signature proves where it came from, not that
    an older release made it the same way.
    """
    try:
        return _serializer(salt).loads(text)
    except BadSignature:
        return None
