"""API clients: the other city systems that use the Open311 GeoReport v2 API."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..columns import UTCDateTime, utcnow
from ..extensions import db


class ApiClient(db.Model):
    """A system that holds an API key: it files service requests and follows its own.

    Every report needs a reporter, so each client has an account of its own (``user``) that
    its reports are filed under: an account that cannot sign in and is never mailed. Only
    the SHA-256 hash of the key is kept; the key itself is shown once, when it is made.
    A revoked key stays here (its reports still point to the client's account).
    """

    __tablename__ = "api_clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    # Hex SHA-256 of the key: a request's key is hashed and looked up here.
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
