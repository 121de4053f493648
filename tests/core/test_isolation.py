"""The first tests: prove that nothing leaks from one test to the next, in any order.

Each pair starts by asserting an empty table and ends holding exactly one row; whichever of
the two runs second would find the other's row if the rollback wrapper leaked.
"""

import pytest
import sqlalchemy as sa

from portal.accounts.models import User
from portal.extensions import db
from tests.support.http import sign_in


@pytest.mark.parametrize("run", ["one", "two"])
def test_rows_made_in_a_test_are_gone_in_the_next(create_user, run):
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
    create_user(email=f"leak-check-{run}@example.org")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


@pytest.mark.parametrize("run", ["one", "two"])
def test_commits_made_by_requests_stay_inside_the_test(client, create_user, run):
    assert db.session.scalar(sa.text("SELECT count(*) FROM auth_sessions")) == 0
    user = create_user(email=f"seen-by-request-{run}@example.org")
    assert sign_in(client, user.email).status_code == 302
    # The sign-in request committed a session row through its own session...
    assert db.session.scalar(sa.text("SELECT count(*) FROM auth_sessions")) == 1
