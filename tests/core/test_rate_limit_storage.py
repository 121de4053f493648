"""Rate limits shared by every app process through Redis, when configured."""

import multiprocessing
import uuid

import pytest
import redis

from portal.extensions import db
from tests.conftest import make_app, require
from tests.support.workers import sign_in_attempts

REDIS_URL = "redis://127.0.0.1:6379/15"
SPAWN = multiprocessing.get_context("spawn")


@pytest.fixture
def redis_url():
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        require(f"Redis is unreachable at {REDIS_URL}: {type(error).__name__}")
    return REDIS_URL


@pytest.mark.no_transaction
@pytest.mark.slow
def test_two_processes_share_one_limit_through_redis(redis_url, fresh_databases, tmp_path):
    url = fresh_databases.new()
    app = make_app(url, tmp_path)
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    prefix = f"portal-test-{uuid.uuid4().hex}"  # keeps test runs apart in the shared Redis
    try:
        # Two processes stand for two gunicorn workers; the limit is 4 per minute per address.
        with SPAWN.Pool(1) as first, SPAWN.Pool(1) as second:
            assert first.apply(sign_in_attempts, (url, redis_url, prefix, 2)) == [200, 200]
            assert second.apply(sign_in_attempts, (url, redis_url, prefix, 3)) == [200, 200, 429]
    finally:
        client = redis.Redis.from_url(redis_url)
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)
