"""The Seoul foreigner portal: application factory."""

import logging
import os
from pathlib import Path

from flask import Flask, flash, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from config import BASE_DIR, INSTANCE_DIR, Config, ProductionConfig, instance_secret

from . import errors, i18n
from .database import configure_engine
from .extensions import babel, csrf, db, limiter, login_manager, migrate
from .models import utcnow
from .security import init_security


def default_config() -> type[Config]:
    return ProductionConfig if os.environ.get("PORTAL_ENV") == "production" else Config


def create_app(config_class: type[Config] | None = None, **overrides) -> Flask:
    """Build the portal: bind extensions, register blueprints and commands."""
    config_class = config_class or default_config()
    if hasattr(config_class, "check"):
        config_class.check()
    app = Flask(
        __name__,
        template_folder=str(BASE_DIR / "templates"),
        instance_path=str(INSTANCE_DIR),
    )
    app.config.from_object(config_class)
    app.config.update(overrides)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = instance_secret(Path(app.instance_path))
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        os.makedirs(app.instance_path, exist_ok=True)

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

    i18n.register_converter(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"))
    babel.init_app(app, locale_selector=i18n.select_locale)
    csrf.init_app(app)
    limiter.init_app(app)
    _init_login(app)
    with app.app_context():
        configure_engine(db.engine, busy_timeout=app.config["SQLITE_BUSY_TIMEOUT"])

    i18n.init_app(app)
    errors.init_app(app)
    init_security(app)
    _register_blueprints(app)
    _register_commands(app)
    return app


def _init_login(app: Flask) -> None:
    from .accounts import sessions  # noqa: F401  (registers the user loader)

    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"

    @login_manager.unauthorized_handler
    def unauthorized():
        flash(_l("Please sign in to open this page."), "info")
        target = request.full_path.rstrip("?")
        return redirect(url_for("accounts.login", lang=i18n.current_lang(), next=target))

    @app.context_processor
    def account_context():
        from .accounts.forms import LogoutForm

        return {
            "logout_form": LogoutForm if current_user.is_authenticated else None,
        }


def _register_blueprints(app: Flask) -> None:
    from . import accounts, admin, contacts, core

    app.register_blueprint(core.bp)
    app.register_blueprint(accounts.bp)
    app.register_blueprint(contacts.staff_bp)
    app.register_blueprint(admin.bp)


def _register_commands(app: Flask) -> None:
    from .accounts.cli import users_cli
    from .cli import demo_cli, translate_cli
    from .mail.cli import outbox_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(translate_cli)
