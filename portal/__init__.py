"""The Seoul foreigner portal: application factory."""

import logging
import os
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from config import BASE_DIR, INSTANCE_DIR, Config, ProductionConfig, instance_secret

from . import (
    accounts,
    admin,
    api,
    assets,
    backup,
    contacts,
    demo,
    errors,
    events,
    i18n,
    mail,
    mentoring,
    notifications,
    pages,
    paging,
    reports,
    routing,
    staffdesk,
    storage,
    uploads,
)
from .cli import translate_cli
from .columns import utcnow
from .database import configure_engine
from .extensions import babel, cache, csrf, db, limiter, migrate
from .security import init_security
from .templating import PortalEnvironment

# The domains in layer order (DESIGN.md): each may use the ones before it, never after. Their
# seeders run in this order too.
DOMAINS = (mail, accounts, notifications, contacts, reports, events, mentoring, api,
           admin)


def default_config() -> type[Config]:
    return ProductionConfig if os.environ.get("PORTAL_ENV") == "production" else Config


def create_app(config_class: type[Config] | None = None, **overrides) -> Flask:
    """Build the portal: bind extensions, then let each domain register itself."""
    config_class = config_class or default_config()
    if hasattr(config_class, "check"):
        config_class.check()
    app = Flask(
        __name__,
        template_folder=str(BASE_DIR / "templates"),
        instance_path=str(INSTANCE_DIR),
    )
    # Templates compiled once per language, their fixed texts translated (templating.py).
    app.jinja_environment = PortalEnvironment
    app.config.from_object(config_class)
    app.config.update(overrides)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = instance_secret(Path(app.instance_path))
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
            os.makedirs(app.instance_path, exist_ok=True)
        # A local file cannot drop a connection: no ping before each use. (PostgreSQL keeps
        # it: a restarted server leaves dead connections in the pool.)
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            **app.config["SQLALCHEMY_ENGINE_OPTIONS"], "pool_pre_ping": False,
        }

    errors.install_log_record_factory()
    logging.basicConfig(
        level=app.config["LOG_LEVEL"],
        format="%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s",
    )
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals["now_utc"] = utcnow

    routing.register_converters(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"))
    babel.init_app(app, locale_selector=i18n.select_locale)
    csrf.init_app(app)
    limiter.init_app(app)
    cache.init_app(app)
    with app.app_context():
        configure_engine(db.engine, busy_timeout=app.config["SQLITE_BUSY_TIMEOUT"])

    i18n.init_app(app)
    assets.init_app(app)
    paging.init_app(app)
    errors.init_app(app)
    init_security(app)
    staffdesk.init_app(app)
    pages.init_app(app)
    demo.init_app(app)
    backup.init_app(app)
    storage.init_app(app)
    uploads.init_app(app)
    app.cli.add_command(translate_cli)
    for domain in DOMAINS:
        domain.init_app(app)
    return app
