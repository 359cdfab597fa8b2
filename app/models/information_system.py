"""Management information system (管理信息系统, attachment 4)."""

from datetime import date
from decimal import Decimal

from flask_appbuilder import Model
from sqlalchemy import Boolean, CheckConstraint, Date, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import DepartmentRecordMixin


class InformationSystem(DepartmentRecordMixin, Model):
    """A system a department runs: cost, use, integration and the problems it has."""

    __tablename__ = "information_system"
    __table_args__ = (
        CheckConstraint("build_cost IS NULL OR build_cost >= 0", name="ck_system_build_cost"),
        CheckConstraint("annual_om_cost IS NULL OR annual_om_cost >= 0", name="ck_system_om_cost"),
        CheckConstraint(
            "daily_active_operations IS NULL OR daily_active_operations >= 0",
            name="ck_system_daily_ops",
        ),
        CheckConstraint(
            "core_usage_rate IS NULL OR (core_usage_rate >= 0 AND core_usage_rate <= 100)",
            name="ck_system_usage_rate",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(100), nullable=False, index=True)
    vendor: Mapped[str | None] = mapped_column(String(100), index=True)  # 开发承建厂商
    go_live_date: Mapped[date | None] = mapped_column(Date)  # 正式上线时间
    build_cost: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))  # 项目建设总经费（万元）
    annual_om_cost: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))  # 年度运维费用（万元）
    url: Mapped[str | None] = mapped_column(String(255))
    user_groups: Mapped[str | None] = mapped_column(String(64))  # 覆盖办事人群, codes joined by ","
    daily_active_operations: Mapped[int | None] = mapped_column(Integer)  # 日均操作活跃度
    core_usage_rate: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))  # 核心功能使用率 %
    deployment: Mapped[str | None] = mapped_column(String(16))  # 部署模式
    mobile_adaptation: Mapped[str | None] = mapped_column(String(16))  # 移动端适配情况
    portal_integration: Mapped[str | None] = mapped_column(String(16))  # 融合门户集成对接状态
    data_silo: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    feature_gap: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    poor_extensibility: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    security_risk: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    problem_details: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)

    def problem_codes(self):
        """The codes of the problem kinds ticked for this system."""
        return [
            k
            for k in ("data_silo", "feature_gap", "poor_extensibility", "security_risk")
            if getattr(self, k)
        ]

    def __str__(self):
        return self.name
