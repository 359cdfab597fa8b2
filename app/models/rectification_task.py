"""Rectification task (整改任务): one entry of the digital rectification ledger."""

from datetime import date, datetime

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, and_
from sqlalchemy.ext.hybrid import hybrid_method, hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import DepartmentRecordMixin
from .choices import TASK_CATEGORY, TASK_SOURCE, TASK_STATUS

# A task in one of these states is not done yet (open, in progress, postponed with a reason).
OPEN_STATUSES = ("open", "in_progress", "postponed")


class RectificationTask(DepartmentRecordMixin, Model):
    """A problem found in a system, an item or a public comment, and how it gets fixed.

    `task_status` moves only through `app.services.ledger.rectification` (open, in progress,
    postponed with a reason, done with evidence). `source_key` names the source record and the
    kind of problem (``system:12:security_risk``); it is unique, so one problem of one record
    opens one task. Tasks written by hand have none.
    """

    __tablename__ = "rectification_task"
    __table_args__ = (UniqueConstraint("source_key", name="uq_rectification_task_source_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False, info={"label": _l("整改事项")})
    source: Mapped[str] = mapped_column(
        String(16),
        nullable=False,
        default="manual",
        info={"label": _l("问题来源"), "choices": TASK_SOURCE},
    )
    category: Mapped[str] = mapped_column(
        String(24),
        nullable=False,
        default="other",
        info={"label": _l("整改类别"), "choices": TASK_CATEGORY},
    )
    description: Mapped[str | None] = mapped_column(Text, info={"label": _l("问题描述")})
    measure: Mapped[str | None] = mapped_column(Text, info={"label": _l("整改措施")})
    owner: Mapped[str | None] = mapped_column(String(64), info={"label": _l("责任人")})
    deadline: Mapped[date | None] = mapped_column(Date, index=True, info={"label": _l("完成时限")})
    task_status: Mapped[str] = mapped_column(
        String(16),
        nullable=False,
        default="open",
        index=True,
        info={"label": _l("整改状态"), "choices": TASK_STATUS},
    )
    postpone_reason: Mapped[str | None] = mapped_column(Text, info={"label": _l("延期原因")})
    evidence: Mapped[str | None] = mapped_column(Text, info={"label": _l("完成佐证")})
    closed_at: Mapped[datetime | None] = mapped_column(DateTime, info={"label": _l("完成时间")})
    source_key: Mapped[str | None] = mapped_column(String(64))
    information_system_id: Mapped[int | None] = mapped_column(
        ForeignKey("information_system.id", ondelete="SET NULL"), index=True
    )
    # selectin, not joined: a joined service item drags its own joined relations into the
    # ledger's page query, and SQLite then materialises every item to find 20 tasks.
    information_system = relationship(
        "InformationSystem", lazy="selectin", info={"label": _l("关联信息系统")}
    )
    service_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_item.id", ondelete="SET NULL"), index=True
    )
    service_item = relationship("ServiceItem", lazy="selectin", info={"label": _l("关联服务事项")})
    # Shown in the ledger's lists and sheet, computed from the deadline.
    __labels__ = {"overdue": _l("逾期")}

    @hybrid_property
    def is_open(self) -> bool:
        """Not done yet; `RectificationTask.is_open` is the same rule as a SQL filter."""
        return self.task_status in OPEN_STATUSES

    @is_open.inplace.expression
    @classmethod
    def _is_open_expression(cls):
        return cls.task_status.in_(OPEN_STATUSES)

    @hybrid_method
    def is_overdue(self, today: date | None = None) -> bool:
        """Past its deadline and not done (a postponed task past its deadline is overdue too)."""
        return (
            self.is_open and self.deadline is not None and self.deadline < (today or date.today())
        )

    @is_overdue.inplace.expression
    @classmethod
    def _is_overdue_expression(cls, today: date | None = None):
        return and_(cls.is_open, cls.deadline.is_not(None), cls.deadline < (today or date.today()))

    @property
    def overdue(self):
        return self.is_overdue()

    def __str__(self):
        return self.title
