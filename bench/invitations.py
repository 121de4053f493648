"""Invite 30,000 contacts to an event and queue their mail, on SQLite and PostgreSQL.

    .venv/bin/python bench/invitations.py [--contacts 30000] [--accounts 2000]
        [--backends sqlite,postgresql] [--profile]

For each database it makes a new one (an SQLite file in a temporary directory; a database on
the server of ``DATABASE_URL_TEST``, skipped when unreachable), migrates it, and puts in it a
staff member, ``--contacts`` contacts in every tier and language (``--accounts`` of them
linked to resident accounts, who also get a notice in the portal) and one event. Then it
times, in-process, what the "send the invitations" button does: ``send_invitations`` for an
audience of every tier (one invitation per contact, one deferred mail per invitation, the
notices), and the commit; then the same send again, which must add nobody. The aim is under
2 seconds for 30,000 invitations on SQLite (the exit status says whether it was met).
"""

from __future__ import annotations

import argparse
import cProfile
import logging
import pstats
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "bench"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from contacts_import import database, postgres_reachable  # noqa: E402 - after the path is set

AIM_SECONDS = 2.0
LOCALES = ["en", "zh", "ja", "vi", "ko"]


def prepare(url: str, tmp: Path, *, contacts: int, accounts: int):
    """Migrate a new database and fill it with contacts and an event; return (app, event id)."""
    from flask_migrate import upgrade

    from portal import create_app
    from portal.accounts.models import Role, User
    from portal.columns import utcnow
    from portal.contacts.models import Contact, Tier, search_text_of
    from portal.events.models import Event, EventKind
    from portal.extensions import db

    app = create_app(SQLALCHEMY_DATABASE_URI=url, SECRET_KEY="bench",  # noqa: S106
                     STORAGE_DIR=str(tmp / "storage"), MAIL_FILE_DIR=str(tmp / "mail"),
                     RATELIMIT_ENABLED=False)
    rng = random.Random(1)
    with app.app_context():
        logging.disable(logging.INFO)
        try:
            upgrade()
        finally:
            logging.disable(logging.NOTSET)
        now = utcnow()
        db.session.add(User(email="events@city.example", name="Bench Staff", role=Role.staff,
                            locale="ko", password_hash="!", confirmed_at=now))  # noqa: S106
        db.session.execute(sa.insert(User), [
            {"email": f"resident{n}@example.org", "name": f"Resident {n}",
             "role": Role.resident, "locale": rng.choice(LOCALES), "password_hash": "!",
             "created_at": now, "confirmed_at": now, "search_text": f"resident{n}"}
            for n in range(accounts)])
        user_ids = db.session.scalars(sa.select(User.id).where(User.role == Role.resident)
                                      .order_by(User.id)).all()
        db.session.execute(sa.insert(Contact), [
            {"email": f"contact{n}@example.org", "name": f"Contact {n}",
             "locale": rng.choice(LOCALES), "tier": rng.choice(list(Tier)),
             "user_id": user_ids[n] if n < len(user_ids) else None,
             "created_at": now, "updated_at": now,
             "search_text": search_text_of(f"Contact {n}", f"contact{n}@example.org")}
            for n in range(contacts)])
        starts = now + timedelta(days=30)
        event = Event(kind=EventKind.international, titles={"en": "Bench reception"},
                      starts_at=starts, ends_at=starts + timedelta(hours=3), venue="City Hall",
                      capacity=500)
        db.session.add(event)
        db.session.commit()
        return app, event.id


def send(app, event_id: int, *, profile: bool) -> dict[str, float]:
    from portal.accounts.models import User
    from portal.contacts.models import Tier
    from portal.events import service
    from portal.events.models import Event, Invitation
    from portal.extensions import db
    from portal.mail.models import OutboxMessage

    audience = service.Audience.from_filters({"tier": [tier.name for tier in Tier]})
    figures = {}
    with app.test_request_context("/ko/staff/events", method="POST"):
        staff = db.session.scalar(sa.select(User).where(User.email == "events@city.example"))
        event = db.session.get(Event, event_id)
        profiler = cProfile.Profile() if profile else None
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        invited = service.send_invitations(event, audience, by=staff)
        db.session.commit()
        if profiler:
            profiler.disable()
        figures["send"] = time.perf_counter() - started
        figures["invited"] = invited
        started = time.perf_counter()
        again = service.send_invitations(event, audience, by=staff)
        db.session.commit()
        figures["send again"] = time.perf_counter() - started
        figures["invited again"] = again
        figures["invitations"] = db.session.scalar(sa.select(sa.func.count()).select_from(
            Invitation))
        figures["mails"] = db.session.scalar(sa.select(sa.func.count()).select_from(
            OutboxMessage).where(OutboxMessage.kind == service.MAIL_INVITATION))
        db.session.remove()
        db.engine.dispose()
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(15)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=30_000)
    parser.add_argument("--accounts", type=int, default=2_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    met = True
    print(f"{args.contacts:,} contacts ({args.accounts:,} with an account), one event")
    print(f"{'database':<12}{'send (s)':>10}{'invited':>10}{'again (s)':>11}{'added':>7}"
          f"{'mails':>8}")
    for backend in args.backends.split(","):
        if backend == "postgresql" and not postgres_reachable():
            print(f"{backend:<12}skipped: PostgreSQL is not reachable")
            continue
        with tempfile.TemporaryDirectory() as tmp:
            url, drop = database(backend, Path(tmp))
            try:
                app, event_id = prepare(url, Path(tmp), contacts=args.contacts,
                                        accounts=args.accounts)
                figures = send(app, event_id, profile=args.profile)
            finally:
                drop()
        print(f"{backend:<12}{figures['send']:>10.2f}{figures['invited']:>10,}"
              f"{figures['send again']:>11.2f}{figures['invited again']:>7}"
              f"{figures['mails']:>8,}")
        assert figures["invitations"] == figures["mails"] == args.contacts
        if backend == "sqlite":
            met = figures["send"] < AIM_SECONDS
    print(f"aim: under {AIM_SECONDS:.0f} s on SQLite: {'met' if met else 'NOT met'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
