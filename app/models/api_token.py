"""Access tokens of the REST API (/api/v1/) and the responses kept for idempotency keys.

An `ApiToken` is a personal token of one person, or the token of a service account (the
portal, the college's hall); either way it acts as its `user`, so the API can do nothing the
user's pages cannot, and its `scopes` narrow that further. Only the SHA-256 of the secret is
kept; the secret is shown once, when the security administrator creates it.
An `ApiIdempotency` row keeps the answer to a POST that carried an `Idempotency-Key`, so a
retried request gets the same answer instead of a second record (kept for a day).
"""

from datetime import datetime

from flask_appbuilder import Model
from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import utcnow


class ApiToken(Model):
    """A personal token or a service account's token, with its scopes; never stored in clear."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False, default="personal")
    user_id: Mapped[int] = mapped_column(
        ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False, index=True
    )
    user = relationship("ConsoleUser", foreign_keys=[user_id], lazy="joined")
    scopes: Mapped[str] = mapped_column(String(255), nullable=False, default="")
    prefix: Mapped[str] = mapped_column(String(16), nullable=False)  # shown to tell tokens apart
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))

    @property
    def scope_list(self) -> list[str]:
        return [s for s in self.scopes.split(",") if s]

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > utcnow())

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"


class ApiIdempotency(Model):
    """The stored answer to one POST made with an idempotency key by one token."""

    __tablename__ = "api_idempotency"
    __table_args__ = (UniqueConstraint("token_id", "key", name="uq_api_idempotency_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_id: Mapped[int] = mapped_column(
        ForeignKey("api_token.id", ondelete="CASCADE"), nullable=False
    )
    key: Mapped[str] = mapped_column(String(128), nullable=False)
    fingerprint: Mapped[str] = mapped_column(String(64), nullable=False)  # method, path, body
    status: Mapped[int] = mapped_column(Integer, nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(
        DateTime, nullable=False, default=utcnow, index=True
    )
