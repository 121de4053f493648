"""Configuration read from the environment."""

import json
import os
import subprocess
import sys

import pytest

import config


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@db/portal", "postgresql+psycopg://u:p@db/portal"),
        ("postgresql://u@db:5433/portal", "postgresql+psycopg://u@db:5433/portal"),
        ("postgresql+psycopg://u@db/portal", "postgresql+psycopg://u@db/portal"),
        ("sqlite:////srv/portal.db", "sqlite:////srv/portal.db"),
    ],
)
def test_database_urls_use_the_psycopg_3_driver(given, expected):
    assert config.database_url(given) == expected


def test_the_embedded_default_is_sqlite_in_the_instance_folder():
    assert config.database_url(None) == f"sqlite:///{config.INSTANCE_DIR / 'portal.sqlite3'}"


def test_environment_variables_reach_the_configuration():
    # A fresh interpreter: the configuration is read once, when config.py is imported.
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://portal@db.internal/portal",
        "RATELIMIT_STORAGE_URI": "redis://cache:6379/0",
        "MAIL_PORT": "587",
        "MAIL_USE_TLS": "true",
        "TRUSTED_PROXIES": "2",
    }
    code = (
        "import json, config; c = config.Config; print(json.dumps([c.SQLALCHEMY_DATABASE_URI,"
        " c.RATELIMIT_STORAGE_URI, c.MAIL_PORT, c.MAIL_USE_TLS, c.TRUSTED_PROXIES]))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=config.BASE_DIR, check=True,
        capture_output=True, text=True,
    ).stdout
    assert json.loads(output) == [
        "postgresql+psycopg://portal@db.internal/portal", "redis://cache:6379/0", 587, True, 2,
    ]


def test_portal_env_selects_production(monkeypatch):
    from portal import default_config

    monkeypatch.setenv("PORTAL_ENV", "production")
    assert default_config() is config.ProductionConfig
    monkeypatch.delenv("PORTAL_ENV")
    assert default_config() is config.Config


def test_without_a_secret_key_each_installation_makes_and_keeps_its_own(tmp_path):
    first = config.instance_secret(tmp_path)
    assert len(first) >= 40
    assert config.instance_secret(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0  # owner only
    assert config.instance_secret(tmp_path / "other") != first


def test_processes_starting_together_agree_on_one_key(tmp_path):
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(4, mp_context=multiprocessing.get_context("spawn")) as pool:
        keys = set(pool.map(config.instance_secret, [tmp_path] * 8))
    assert len(keys) == 1
