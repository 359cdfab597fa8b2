"""Failed-login counter per user name (kept in the database, so every worker sees it)."""

from datetime import datetime

from flask_appbuilder import Model
from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column


class LoginThrottle(Model):
    """Consecutive failures of one user name and, once over the limit, when the lock ends.

    Keyed by the (lower-cased) user name rather than the user row, so that directory users who
    never logged in, and names that do not exist, are counted the same way.
    """

    __tablename__ = "login_throttle"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(128), unique=True, nullable=False)
    failures: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_failure_at: Mapped[datetime | None] = mapped_column(DateTime)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
