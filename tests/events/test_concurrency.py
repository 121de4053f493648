"""Guests answering at the same moment never overfill an event nor lose an answer.

Real concurrent requests, each in its own thread and database connection, on a database that
commits for real (SQLite serialises them with BEGIN IMMEDIATE, PostgreSQL with the event's row
lock).
"""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.columns import utcnow
from portal.contacts.models import Contact
from portal.events.models import Answer, Event, EventKind, Invitation, Place
from portal.events.tokens import rsvp_token
from portal.extensions import db
from tests.support.http import csrf_token

pytestmark = [pytest.mark.no_transaction, pytest.mark.slow]


def _event_with_guests(app, *, capacity: int, guests: int) -> tuple[int, list[str]]:
    """An event and its invited guests; return the event id and the guests' answer links."""
    with app.app_context():
        starts = utcnow() + timedelta(days=5)
        event = Event(kind=EventKind.policy_forum, titles={"en": "Forum"}, starts_at=starts,
                      ends_at=starts + timedelta(hours=2), venue="City Hall", capacity=capacity)
        db.session.add(event)
        db.session.flush()
        links = []
        for n in range(guests):
            contact = Contact(name=f"Guest {n}", email=f"guest{n}@example.org")
            db.session.add(contact)
            db.session.flush()
            invitation = Invitation(event_id=event.id, contact_id=contact.id,
                                    created_at=utcnow())
            db.session.add(invitation)
            db.session.flush()
            links.append(f"/en/rsvp/{rsvp_token(invitation.id, event.id, contact.id)}")
        db.session.commit()
        return event.id, links


def _post_together(app, posts: list[tuple[str, dict]]) -> list[int]:
    """Send the answers at the same moment, each from its own browser."""
    clients = [app.test_client() for _ in posts]
    tokens = [csrf_token(client, link) for client, (link, _) in zip(clients, posts, strict=True)]
    barrier = threading.Barrier(len(posts))

    def post(index: int) -> int:
        link, data = posts[index]
        barrier.wait()
        return clients[index].post(link, data={"csrf_token": tokens[index], **data}).status_code

    with ThreadPoolExecutor(len(posts)) as pool:
        return list(pool.map(post, range(len(posts))))


def _places(app, event_id: int) -> list[tuple[Answer | None, Place | None]]:
    with app.app_context():
        return list(db.session.execute(
            sa.select(Invitation.answer, Invitation.place)
            .where(Invitation.event_id == event_id).order_by(Invitation.id)).all())


def test_the_last_place_taken_by_several_guests_at_once_goes_to_one(shared_app):
    event_id, links = _event_with_guests(shared_app, capacity=1, guests=6)
    statuses = _post_together(shared_app, [(link, {"answer": "yes"}) for link in links])
    assert statuses == [302] * 6  # every answer was taken, none failed
    places = _places(shared_app, event_id)
    assert all(answer is Answer.yes for answer, _ in places)
    assert sorted(str(place.name) for _, place in places) == ["confirmed"] + ["waiting"] * 5


def test_one_invitation_answered_twice_at_once_keeps_one_answer_and_the_capacity(shared_app):
    event_id, links = _event_with_guests(shared_app, capacity=1, guests=2)
    mine, other = links
    # The other guest takes the only place; this guest waits.
    assert _post_together(shared_app, [(other, {"answer": "yes"})]) == [302]
    assert _post_together(shared_app, [(mine, {"answer": "yes"})]) == [302]
    # The place holder answers "no" and "yes" from two devices at the same moment.
    statuses = _post_together(shared_app, [(other, {"answer": "no"}), (other, {"answer": "yes"})])
    assert statuses == [302, 302]
    places = _places(shared_app, event_id)
    (_, mine_place), (other_answer, other_place) = places  # in the order of the links
    holding = [place for _, place in places if place in (Place.confirmed, Place.offered)]
    assert len(holding) == 1  # never more than the event holds
    if other_answer is Answer.no:
        # "no" came last: the place passed to the one waiting.
        assert other_place is None and mine_place is Place.offered
    else:
        # "yes" came last. If "no" ran first, the freed place was offered away, so the late
        # "yes" waits; otherwise it still holds its place.
        assert other_answer is Answer.yes
        assert {other_place, mine_place} in ({Place.confirmed, Place.waiting},
                                             {Place.waiting, Place.offered})
