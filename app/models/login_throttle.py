"""Failed logins per account and source (kept in the database, so every worker sees them)."""

from datetime import datetime

from flask_appbuilder import Model
from sqlalchemy import DateTime, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column


class LoginThrottle(Model):
    """Consecutive failures of one user name from one source address, and once over the limit
    when the lock ends; the answer's keyed hash of the image challenge it was last shown.

    Keyed by the (lower-cased) user name and the client address together: failures from one
    address lock the name for that address only, so nobody can lock a colleague out by
    typing wrong passwords under their name. Names that do not exist are counted the same way.
    """

    __tablename__ = "login_throttle"
    __table_args__ = (
        UniqueConstraint("username", "source", name="uq_login_throttle_username_source"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(128), nullable=False, index=True)
    source: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    failures: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_failure_at: Mapped[datetime | None] = mapped_column(DateTime)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    # HMAC of the answer of the image challenge last shown to this name and address (one use).
    challenge_hash: Mapped[str | None] = mapped_column(String(64))
    # When the account's owner was last told by mail about failures from this address.
    notified_at: Mapped[datetime | None] = mapped_column(DateTime)
