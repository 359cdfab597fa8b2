"""Reminder (催办提醒): a note the IT office sends a late department, kept in its task list."""

from datetime import date, datetime

from flask_appbuilder import Model
from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import utcnow


class Reminder(Model):
    """One reminder to one department: what it lacks, and whether the e-mail went out.

    `email_status` is "sent", "failed" (the error is in `email_error`) or "not_sent" (no SMTP
    server configured, or no address known for the department's contacts).
    """

    __tablename__ = "reminder"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    department_id: Mapped[int] = mapped_column(
        ForeignKey("department.id", ondelete="CASCADE"), nullable=False, index=True
    )
    department = relationship("Department", lazy="joined")
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaign.id", ondelete="SET NULL"), index=True
    )
    phase_kind: Mapped[str | None] = mapped_column(String(16))
    deadline: Mapped[date | None] = mapped_column(Date)
    message: Mapped[str] = mapped_column(Text, nullable=False)
    recipients: Mapped[str | None] = mapped_column(Text)  # e-mail addresses joined by ", "
    email_status: Mapped[str] = mapped_column(String(16), nullable=False, default="not_sent")
    email_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(
        DateTime, nullable=False, default=utcnow, index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    created_by = relationship("ConsoleUser", lazy="joined")

    def __str__(self):
        return self.message[:80]
