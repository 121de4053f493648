"""``flask demo seed``: realistic data covering every tier and affiliation, loaded once."""

import sqlalchemy as sa
from click.testing import CliRunner

from portal.accounts.demo import ADMIN_EMAIL, DEMO_PASSWORD, STAFF_EMAIL
from portal.accounts.models import Affiliation, Role, User
from portal.contacts.models import Contact, Tier
from portal.extensions import db
from tests.support.http import sign_in


def test_seed_covers_every_tier_and_affiliation_and_runs_once(app, client):
    runner = CliRunner()
    first = runner.invoke(app.cli, ["demo", "seed"])
    assert first.exit_code == 0, first.output
    assert DEMO_PASSWORD in first.output
    assert {c.tier for c in db.session.scalars(sa.select(Contact))} == set(Tier)
    affiliations = {c.affiliation for c in db.session.scalars(sa.select(Contact))}
    assert affiliations == set(Affiliation)
    residents = db.session.scalars(sa.select(User).where(User.role == Role.resident)).all()
    assert len({u.nationality for u in residents}) >= 8
    assert {u.locale for u in residents} == {"en", "zh", "ja", "vi"}
    linked = db.session.scalar(sa.select(sa.func.count()).where(Contact.user_id.is_not(None)))
    assert linked >= 1
    again = runner.invoke(app.cli, ["demo", "seed"])
    assert "already present" in again.output
    assert sign_in(client, ADMIN_EMAIL, DEMO_PASSWORD).headers["Location"].endswith("/staff/")
    assert db.session.scalar(sa.select(User.role).where(User.email == STAFF_EMAIL)) is Role.staff
