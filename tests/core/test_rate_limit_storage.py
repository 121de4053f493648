"""Rate limits shared by every app process through Redis, when configured."""

import uuid

import pytest
import redis

from tests.conftest import make_app, require
from tests.fixtures.accounts import sign_in

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_url():
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        require(f"Redis is unreachable at {REDIS_URL}: {type(error).__name__}")
    return REDIS_URL


@pytest.mark.no_transaction
def test_two_processes_share_one_limit_through_redis(redis_url, fresh_databases, tmp_path):
    from portal.extensions import db

    url = fresh_databases.new()
    # Two apps stand for two gunicorn workers; a unique prefix keeps test runs apart.
    prefix = f"portal-test-{uuid.uuid4().hex}"
    options = {
        "RATELIMIT_STORAGE_URI": redis_url,
        "RATELIMIT_KEY_PREFIX": prefix,
        "LOGIN_LIMIT_PER_IP": "4 per minute",
    }
    first = make_app(url, tmp_path / "a", **options)
    second = make_app(url, tmp_path / "b", **options)
    with first.app_context():
        db.create_all()
    try:
        a, b = first.test_client(), second.test_client()
        statuses = [sign_in(client, f"u{i}@example.org", "wrong-password-1").status_code
                    for i, client in enumerate([a, b, a, b])]
        assert statuses == [200] * 4
        assert sign_in(a, "u9@example.org", "wrong-password-1").status_code == 429
        assert sign_in(b, "u9@example.org", "wrong-password-1").status_code == 429
    finally:
        client = redis.Redis.from_url(redis_url)
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)
        for app in (first, second):
            with app.app_context():
                db.engine.dispose()
