"""Factories for events and invitations."""

from datetime import timedelta

import pytest

from portal.columns import utcnow
from portal.events.models import Event, EventKind
from portal.extensions import db


@pytest.fixture
def create_event():
    """Return a factory: ``create_event(capacity=2, public=True, days=10, ...)``."""

    def factory(*, days: float = 10, **overrides) -> Event:
        starts = utcnow().replace(microsecond=0) + timedelta(days=days)
        values = {
            "kind": EventKind.cultural,
            "titles": {"en": "Autumn concert", "ko": "가을 음악회", "ja": "秋のコンサート",
                       "zh": "秋季音乐会", "vi": "Hòa nhạc mùa thu"},
            "descriptions": {"en": "Music in the park.", "ja": "公園で音楽を。"},
            "starts_at": starts,
            "ends_at": starts + timedelta(hours=2),
            "venue": "Seoul Plaza",
            "public": False,
        }
        values.update(overrides)
        event = Event(**values)
        db.session.add(event)
        db.session.commit()
        return event

    return factory
