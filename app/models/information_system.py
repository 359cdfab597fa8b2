"""Management information system (管理信息系统, attachment 4)."""

from datetime import date
from decimal import Decimal

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, CheckConstraint, Date, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import DepartmentRecordMixin
from .choices import (
    DATE_PRECISION,
    DEPLOYMENT_MODE,
    MOBILE_ADAPTATION,
    PORTAL_INTEGRATION,
    SYSTEM_PROBLEM,
    USER_GROUP,
)
from .partial_date import PartialDate
from .validators import NotInFuture, non_negative, percentage, plausible_wan_yuan

# The most a college system plausibly costs, in 万元: to build (5 亿), and to run for a year.
BUILD_COST_MOST = 50_000
ANNUAL_OM_MOST = 5_000

# The four problem columns are labelled with the problem kinds' own labels.
_PROBLEM = dict(SYSTEM_PROBLEM.pairs)


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
    code: Mapped[str] = mapped_column(
        String(32), unique=True, nullable=False, info={"label": _l("系统编号")}
    )
    name: Mapped[str] = mapped_column(
        String(100), nullable=False, index=True, info={"label": _l("系统名称")}
    )
    vendor: Mapped[str | None] = mapped_column(
        String(100), index=True, info={"label": _l("开发承建厂商")}
    )
    go_live_date: Mapped[date | None] = mapped_column(
        Date,
        info={
            "label": _l("正式上线时间"),
            "validators": (
                NotInFuture(_l("正式上线时间不能晚于今天：请填写系统实际上线的日期。")),
            ),
        },
    )
    go_live_precision: Mapped[str | None] = mapped_column(
        String(8),
        info={
            "label": _l("上线时间精确到"),
            "choices": DATE_PRECISION,
            "description": _l("只知道年份或月份时选“年”或“月”，上线时间填该年（月）的第一天。"),
        },
    )
    build_cost: Mapped[Decimal | None] = mapped_column(
        Numeric(12, 2),
        info={
            "label": _l("项目建设总经费（万元）"),
            "validators": (non_negative(), plausible_wan_yuan(BUILD_COST_MOST)),
        },
    )
    annual_om_cost: Mapped[Decimal | None] = mapped_column(
        Numeric(12, 2),
        info={
            "label": _l("年度运维费用（万元）"),
            "validators": (non_negative(), plausible_wan_yuan(ANNUAL_OM_MOST)),
        },
    )
    url: Mapped[str | None] = mapped_column(String(255), info={"label": _l("访问地址")})
    user_groups: Mapped[str | None] = mapped_column(  # codes joined by ","
        String(255), info={"label": _l("覆盖办事人群"), "codes": USER_GROUP}
    )
    daily_active_operations: Mapped[int | None] = mapped_column(
        Integer,
        info={
            "label": _l("日均操作活跃度（次）"),
            "description": _l("近一个学期平均每天的业务操作次数。"),
            "validators": (non_negative(),),
        },
    )
    core_usage_rate: Mapped[Decimal | None] = mapped_column(
        Numeric(5, 2),
        info={
            "label": _l("核心功能使用率（%）"),
            "description": _l("核心功能中实际在用的比例，0 到 100。"),
            "validators": (percentage(),),
        },
    )
    deployment: Mapped[str | None] = mapped_column(
        String(16), info={"label": _l("部署模式"), "choices": DEPLOYMENT_MODE}
    )
    mobile_adaptation: Mapped[str | None] = mapped_column(
        String(16), info={"label": _l("移动端适配情况"), "choices": MOBILE_ADAPTATION}
    )
    portal_integration: Mapped[str | None] = mapped_column(
        String(16), info={"label": _l("融合门户集成对接状态"), "choices": PORTAL_INTEGRATION}
    )
    data_silo: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, info={"label": _PROBLEM["data_silo"]}
    )
    feature_gap: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, info={"label": _PROBLEM["feature_gap"]}
    )
    poor_extensibility: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, info={"label": _PROBLEM["poor_extensibility"]}
    )
    security_risk: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, info={"label": _PROBLEM["security_risk"]}
    )
    problem_details: Mapped[str | None] = mapped_column(Text, info={"label": _l("问题详情")})
    notes: Mapped[str | None] = mapped_column(Text, info={"label": _l("备注")})
    capabilities = relationship(
        "Capability",
        secondary="system_capability",
        lazy="select",
        order_by="Capability.code",
        info={
            "label": _l("业务能力"),
            "description": _l("本系统承担的业务能力（信息中心维护能力清单），用于识别重复建设。"),
        },
    )

    @property
    def go_live(self) -> PartialDate:
        """The go-live date with how much of it is known (2019年 stays a year)."""
        return PartialDate(self.go_live_date, self.go_live_precision)

    @go_live.setter
    def go_live(self, value: PartialDate | None) -> None:
        value = value or PartialDate(None)
        self.go_live_date, self.go_live_precision = value.value, value.precision

    def problem_codes(self):
        """The codes of the problem kinds ticked for this system."""
        return [
            k
            for k in ("data_silo", "feature_gap", "poor_extensibility", "security_risk")
            if getattr(self, k)
        ]

    def __str__(self):
        return self.name
