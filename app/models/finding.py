"""Governance findings' records: the capability list, the rules' settings and dismissals.

The findings themselves are computed from the registers (`app.services.insight.findings`);
what is stored is what people decide about them: which capabilities the IT office recognises
and which systems have them, how each rule is tuned, and which findings were dismissed, why,
by whom and when.
"""

from datetime import datetime

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import VersionedMixin, utcnow

# Which capabilities each information system has (many-to-many).
system_capability = Table(
    "system_capability",
    Model.metadata,
    Column(
        "system_id",
        ForeignKey("information_system.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "capability_id",
        ForeignKey("capability.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class Capability(VersionedMixin, Model):
    """A job a system does (学生请假, 报修, 成绩管理), from the list the IT office maintains."""

    __tablename__ = "capability"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(
        String(32), unique=True, nullable=False, info={"label": _l("能力编码")}
    )
    name: Mapped[str] = mapped_column(
        String(64), unique=True, nullable=False, info={"label": _l("能力名称")}
    )
    description: Mapped[str | None] = mapped_column(Text, info={"label": _l("说明")})

    def __str__(self):
        return self.name


class FindingSetting(VersionedMixin, Model):
    """How one rule is tuned: on or off, and its thresholds as JSON (defaults in the rules
    table; a key left out keeps its default)."""

    __tablename__ = "finding_setting"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rule: Mapped[str] = mapped_column(
        String(32), unique=True, nullable=False, info={"label": _l("规则")}
    )
    enabled: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=True, info={"label": _l("启用")}
    )
    params: Mapped[str | None] = mapped_column(
        Text,
        info={
            "label": _l("阈值参数"),
            "description": _l("只填写要改变的参数，其余沿用默认值。"),
        },
    )

    def __str__(self):
        return self.rule


class FindingDismissal(Model):
    """A finding set aside with a reason; it stays on the page, marked, and leaves the counts."""

    __tablename__ = "finding_dismissal"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    finding_key: Mapped[str] = mapped_column(
        String(64), unique=True, nullable=False, info={"label": _l("发现编号")}
    )
    rule: Mapped[str] = mapped_column(String(32), nullable=False, info={"label": _l("规则")})
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("department.id", ondelete="CASCADE"), index=True
    )
    department = relationship("Department", lazy="joined", info={"label": _l("所属部门")})
    reason: Mapped[str] = mapped_column(Text, nullable=False, info={"label": _l("不予整改理由")})
    dismissed_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    dismissed_by = relationship("ConsoleUser", lazy="joined", info={"label": _l("处理人")})
    dismissed_at: Mapped[datetime] = mapped_column(
        DateTime, nullable=False, default=utcnow, info={"label": _l("处理时间")}
    )

    def __str__(self):
        return self.finding_key
