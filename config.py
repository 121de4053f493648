"""Configuration read from environment variables.

`Config` is the embedded default (SQLite under ``instance/``), `ProductionConfig` refuses to
start without a secret key, and `TestConfig` is what the test suite builds on.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("PORTAL_INSTANCE_DIR", BASE_DIR / "instance"))


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def database_url(url: str | None) -> str:
    """Return an SQLAlchemy URL, mapping plain PostgreSQL URLs onto the psycopg 3 driver."""
    if not url:
        return f"sqlite:///{INSTANCE_DIR / 'portal.sqlite3'}"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def instance_secret(instance_dir: Path) -> str:
    """Return this installation's own random secret key, created on first use.

    The embedded default needs no configuration, but a key known to everyone would let anyone
    forge sessions; so each installation makes its own, readable only by its owner. The file is
    linked into place atomically, so processes starting together agree on one key.
    """
    path = instance_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_dir.mkdir(parents=True, exist_ok=True)
    tmp = instance_dir / f".secret_key.{os.getpid()}"
    tmp.write_text(secrets.token_urlsafe(48))
    tmp.chmod(0o600)
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass  # another process won the race: use its key
    finally:
        tmp.unlink()
    return path.read_text().strip()


class Config:
    # None here: create_app() uses the installation's own key (instance_secret) outside
    # production, and ProductionConfig refuses to start without one.
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("DATABASE_URL"))
    # hide_parameters: a failed statement's log line must not carry the values it was given
    # (password hashes, addresses, names).
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}
    # Seconds an SQLite writer waits for another process's write transaction to finish.
    SQLITE_BUSY_TIMEOUT = int(os.environ.get("SQLITE_BUSY_TIMEOUT", "30"))

    SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:5000")
    SERVER_NAME = None
    PREFERRED_URL_SCHEME = "https" if SITE_URL.startswith("https") else "http"
    # Reverse proxies in front of the app whose X-Forwarded-* headers are trusted.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    # Where residents' photos are kept (default: instance/storage), outside the web root.
    STORAGE_DIR = os.environ.get("STORAGE_DIR") or None
    # Five photos of at most 10 MB each (MAX_PHOTO_BYTES) and the rest of a report form.
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", str(60 * 1024 * 1024)))

    # Offered first in nationality lists: the largest groups of registered foreign residents in
    # Seoul. The city sets its own current list (ISO 3166 codes, comma-separated).
    COMMON_NATIONALITIES = tuple(
        code.strip().upper()
        for code in os.environ.get("COMMON_NATIONALITIES", "CN,VN,US,JP,TW,MN,PH,UZ,NP,RU")
        .split(",")
        if code.strip()
    )

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "Asia/Seoul"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    STAFF_IDLE_TIMEOUT = timedelta(minutes=30)
    # Residents who did not ask to be remembered are signed out after this long without a request.
    IDLE_TIMEOUT = timedelta(hours=float(os.environ.get("IDLE_TIMEOUT_HOURS", "12")))
    SESSION_LIFETIME = timedelta(hours=24)
    STAFF_SESSION_LIFETIME = timedelta(hours=12)

    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session

    CONFIRM_TOKEN_MAX_AGE = int(os.environ.get("CONFIRM_TOKEN_MAX_AGE", str(3 * 24 * 3600)))
    RESET_TOKEN_MAX_AGE = int(os.environ.get("RESET_TOKEN_MAX_AGE", "3600"))
    STAFF_INVITATION_MAX_AGE = int(os.environ.get("STAFF_INVITATION_MAX_AGE", str(7 * 86400)))

    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    # Off: the views check their limits themselves (ratelimits.FormLimit) and answer with the
    # form and the real wait; Flask-Limiter would add its own Retry-After to every response.
    RATELIMIT_HEADERS_ENABLED = False
    LOGIN_LIMIT_PER_IP = os.environ.get("LOGIN_LIMIT_PER_IP", "20 per minute;200 per hour")
    # Failed sign-ins for one address: the first `free` in `window` seconds cost nothing, then
    # each makes the next wait twice as long (1 s, 2 s, 4 s ...) up to `cap` seconds.
    SIGNIN_THROTTLE = {"free": 5, "window": 900, "cap": 30}
    # Wrong current passwords of a signed-in person (password, address, deletion forms).
    PASSWORD_CHECK_THROTTLE = {"free": 5, "window": 3600, "cap": 900}
    RESET_LIMIT_PER_IP = os.environ.get("RESET_LIMIT_PER_IP", "5 per minute;30 per hour")
    RESET_LIMIT_PER_ACCOUNT = os.environ.get("RESET_LIMIT_PER_ACCOUNT", "3 per hour")
    REGISTER_LIMIT_PER_IP = os.environ.get("REGISTER_LIMIT_PER_IP", "10 per hour")
    # Each request mails a link to the new address: a person asks a few times at most.
    EMAIL_CHANGE_LIMIT_PER_USER = os.environ.get("EMAIL_CHANGE_LIMIT_PER_USER", "5 per hour")
    RESEND_LIMIT_PER_USER = os.environ.get("RESEND_LIMIT_PER_USER", "3 per hour")

    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "file")  # "file" or "smtp"
    MAIL_FILE_DIR = os.environ.get("MAIL_FILE_DIR", str(INSTANCE_DIR / "mail"))
    MAIL_SENDER = os.environ.get(
        "MAIL_SENDER", "Seoul Foreigner Portal <noreply@portal.seoul.test>"
    )
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)  # STARTTLS on a plain port
    MAIL_USE_SSL = _bool("MAIL_USE_SSL", False)  # TLS from the first byte (port 465)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_TIMEOUT = int(os.environ.get("MAIL_TIMEOUT", "30"))
    OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "8"))
    OUTBOX_BATCH_SIZE = int(os.environ.get("OUTBOX_BATCH_SIZE", "20"))
    # Seconds a worker holds the round it claimed. It starts no message in the second half,
    # so the lease must be more than twice the longest send (MAIL_TIMEOUT per SMTP step).
    OUTBOX_LEASE_SECONDS = int(os.environ.get("OUTBOX_LEASE_SECONDS", "600"))

    # Pages and fragments that are the same for every visitor, kept in each process.
    CACHE_TYPE = os.environ.get("CACHE_TYPE", "SimpleCache")
    CACHE_DEFAULT_TIMEOUT = 300

    # The city's channels for foreign residents, shown on the help, contact and privacy pages
    # and in mail. Set them for each installation; an empty one is left out, never invented.
    SERVICE_PHONE = os.environ.get("SERVICE_PHONE", "")
    SERVICE_EMAIL = os.environ.get("SERVICE_EMAIL", "")
    # When the phone line and the walk-in centre answer: days and hours, e.g. "mon-fri 09:00-18:00".
    SERVICE_HOURS = os.environ.get("SERVICE_HOURS", "")
    WALK_IN_NAME = os.environ.get("WALK_IN_NAME", "")
    WALK_IN_ADDRESS = os.environ.get("WALK_IN_ADDRESS", "")
    # Who answers questions about personal data (PIPA art. 31: the privacy officer).
    PRIVACY_OFFICER = os.environ.get("PRIVACY_OFFICER", "")
    PRIVACY_EMAIL = os.environ.get("PRIVACY_EMAIL", "")
    PRIVACY_PHONE = os.environ.get("PRIVACY_PHONE", "")

    HSTS = False
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")


class ProductionConfig(Config):
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    # The __Host- prefix makes browsers refuse the cookie unless it is Secure, for this host
    # only and for the whole site: a sibling subdomain cannot plant or read it.
    SESSION_COOKIE_NAME = "__Host-session"
    REMEMBER_COOKIE_NAME = "__Host-remember"
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp")
    HSTS = True

    @classmethod
    def check(cls) -> None:
        """Refuse to start without what production needs."""
        if not cls.SECRET_KEY:
            raise RuntimeError("SECRET_KEY must be set in production")


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key"  # noqa: S105 - tests only
    SQLALCHEMY_DATABASE_URI = "sqlite://"  # the test fixtures choose the database
    RATELIMIT_STORAGE_URI = "memory://"
    SITE_URL = "http://localhost"
