"""Rectification task (整改任务): one entry of the digital rectification ledger."""
from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from flask_appbuilder import Model

from .base import DepartmentRecordMixin


class RectificationTask(DepartmentRecordMixin, Model):
    """A problem found in a system, an item or a public comment, and how it gets fixed."""

    __tablename__ = "rectification_task"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    source: Mapped[str] = mapped_column(String(16), nullable=False, default="manual")
    category: Mapped[str] = mapped_column(String(24), nullable=False, default="other")
    description: Mapped[str | None] = mapped_column(Text)
    measure: Mapped[str | None] = mapped_column(Text)  # 整改措施
    owner: Mapped[str | None] = mapped_column(String(64))  # 责任人
    deadline: Mapped[date | None] = mapped_column(Date, index=True)
    task_status: Mapped[str] = mapped_column(String(16), nullable=False, default="open", index=True)
    postpone_reason: Mapped[str | None] = mapped_column(Text)
    evidence: Mapped[str | None] = mapped_column(Text)  # 完成佐证
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    information_system_id: Mapped[int | None] = mapped_column(
        ForeignKey("information_system.id", ondelete="SET NULL"), index=True
    )
    information_system = relationship("InformationSystem", lazy="joined")
    service_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_item.id", ondelete="SET NULL"), index=True
    )
    service_item = relationship("ServiceItem", lazy="joined")

    def __str__(self):
        return self.title
