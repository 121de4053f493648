"""Fixtures of the Open311 API tests: clients with keys."""

import pytest

from portal.api import service
from portal.extensions import db


@pytest.fixture
def issue_key(app):
    """Return a factory: ``issue_key(name=...)`` makes an API client, returns (client, key)."""

    def issue(name: str = "120 Dasan Call Center", by=None):
        with app.test_request_context("/en/"):
            client, key = service.create_client(name=name, by=by)
            db.session.commit()
        return client, key

    return issue
