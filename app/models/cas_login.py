"""Console sessions opened through the CAS server, so that its single logout can end them."""

from datetime import datetime

from flask_appbuilder import Model
from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column


class CasLogin(Model):
    """One CAS login: the service ticket it was opened with (as a SHA-256 digest: the ticket
    itself is a credential until the CAS server consumed it), whose console session it opened,
    and when the CAS server's single-logout request ended that session.

    The digest is unique: a ticket that came back a second time is refused even if a CAS
    server validated it again. Rows older than the longest session are of no further use.
    """

    __tablename__ = "cas_login"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_digest: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False, index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
