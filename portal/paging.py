"""Paged lists: a bounded page number and links that keep a list's filters."""

import sqlalchemy as sa
from flask import Flask, request, url_for
from flask_sqlalchemy.pagination import Pagination

from .extensions import db

PER_PAGE = 50
# Far beyond any real list; bigger numbers (up to 2**64 and past it) are typing accidents or
# probes, and would overflow the database's integers.
MAX_PAGE = 100_000


def page_number() -> int:
    """The ``?page=`` of this request, or 1 when it is missing, malformed or out of range."""
    page = request.args.get("page", type=int)
    return page if page is not None and 1 <= page <= MAX_PAGE else 1


def paginate(stmt: sa.Select, *, per_page: int = PER_PAGE, count: bool = True) -> Pagination:
    """One page of ``stmt`` at this request's page number; past the end, an empty page."""
    return db.paginate(stmt, page=page_number(), per_page=per_page, max_per_page=per_page,
                       error_out=False, count=count)


def page_url(page: int) -> str:
    """This list's address at another page, keeping its filters."""
    query = {
        k: v for k, v in request.args.to_dict(flat=False).items()
        if not k.startswith("_") and k not in ("page", "lang")
    }
    return url_for(request.endpoint, **{**query, **(request.view_args or {}), "page": page})


def init_app(app: Flask) -> None:
    app.jinja_env.globals["page_url"] = page_url
