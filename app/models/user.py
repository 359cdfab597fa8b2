"""The console's user: FAB's user row plus the department the user belongs to."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from flask_appbuilder.security.sqla.models import User
from sqlalchemy import BigInteger, DateTime, ForeignKey, String, func
from sqlalchemy.orm import Mapped, foreign, mapped_column, relationship

from .login_throttle import LoginThrottle


class ConsoleUser(User):
    """A staff member; `department_id` scopes what a department contact may see and change."""

    __tablename__ = "ab_user"

    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("department.id"), nullable=True, index=True
    )
    department = relationship("Department", lazy="joined")
    staff_no: Mapped[str | None] = mapped_column(String(32))
    # "local" for the emergency administrator and demo users, "ldap" for directory users.
    source: Mapped[str] = mapped_column(String(8), nullable=False, default="local")
    # Rotated at login, logout and deactivation: a copied session cookie stops working.
    session_nonce: Mapped[str | None] = mapped_column(String(64))
    # Local accounts must change their password every PASSWORD_MAX_AGE_DAYS days (等保).
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Second factor (TOTP, app/services/access/second_factor.py): the shared secret, when it
    # was confirmed (None while an enrolment is pending), and the last time step accepted, so
    # that a code cannot be used twice.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enrolled_at: Mapped[datetime | None] = mapped_column(DateTime)
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    throttles = relationship(
        "LoginThrottle",
        viewonly=True,
        lazy="selectin",
        primaryjoin=lambda: func.lower(ConsoleUser.username) == foreign(LoginThrottle.username),
    )

    def get_full_name(self):
        """Chinese names read family name first with no space (张伟); others as FAB does."""
        first, last = self.first_name or "", self.last_name or ""
        if any("\u4e00" <= char <= "\u9fff" for char in first + last):
            return f"{last}{first}"
        return f"{first} {last}".strip()

    @property
    def lock_state(self):
        """'locked until …' while a failed-login lock (from any address) holds, else ''."""
        from .base import utcnow

        now = utcnow()
        until = max(
            (
                row.locked_until
                for row in self.throttles
                if row.locked_until and row.locked_until > now
            ),
            default=None,
        )
        from app.services.trail import clock

        return clock.text(until) if until else ""


class Actor(Protocol):
    """Whoever a service acts for: a ConsoleUser, or the system identity the CLI builds
    (`app.cli._cli_user`, a SimpleNamespace with the IT office's role). Only for hints."""

    id: int | None
    username: str
    department_id: int | None
    is_authenticated: bool
    roles: Sequence[Any]
