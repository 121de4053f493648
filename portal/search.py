"""Text search in staff lists."""

import sqlalchemy as sa


def contains(q: str, *columns) -> sa.ColumnElement[bool]:
    """Rows where any of ``columns`` contains ``q``, ignoring case; ``%`` and ``_`` are text."""
    escaped = q.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped.lower()}%"
    return sa.or_(*(sa.func.lower(column).like(pattern, escape="\\") for column in columns))
