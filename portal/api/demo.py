"""A demo API client, so the Open311 API can be tried with a key."""

import sqlalchemy as sa

from ..extensions import db
from . import service
from .models import ApiClient

DEMO_CLIENT = "120 Dasan Call Center (demo)"


def seed() -> str | None:
    """Issue a key to a demo client, once; print the key (it is shown only here)."""
    if db.session.scalar(sa.select(ApiClient.id).where(ApiClient.name == DEMO_CLIENT)):
        return None
    _client, key = service.create_client(name=DEMO_CLIENT, by=None)
    return f"API client {DEMO_CLIENT!r}, key {key}"
