"""The first tests: prove that nothing leaks from one test to the next."""

import sqlalchemy as sa

from portal.accounts.models import User
from portal.extensions import db


def test_a_user_made_here(create_user):
    create_user(email="leak-check@example.org")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_is_gone_here():
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_request_commits_stay_inside_the_test(client, create_user):
    user = create_user(email="seen-by-request@example.org")
    from tests.support.http import sign_in

    assert sign_in(client, user.email).status_code == 302
    # The sign-in request committed a session row through its own session...
    assert db.session.scalar(sa.text("SELECT count(*) FROM auth_sessions")) == 1


def test_and_is_rolled_back_with_it():
    assert db.session.scalar(sa.text("SELECT count(*) FROM auth_sessions")) == 0
