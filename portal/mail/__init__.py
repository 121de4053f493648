"""Mail: the outbox, its renderers and the workers that deliver it."""

from flask import Flask

from ..staffdesk import Panel, add_panel


def _panel_context() -> dict:
    from .service import outbox_counts

    return {"mail": outbox_counts()}


def init_app(app: Flask) -> None:
    from .cli import outbox_cli

    app.cli.add_command(outbox_cli)
    add_panel(app, Panel(template="mail/dashboard_panel.html", context=_panel_context,
                         order=90, cache_seconds=60))
