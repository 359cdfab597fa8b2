"""Service item (线上办事事项, attachments 2 and 3) with its materials and process nodes."""

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from .audience import Audience
from .base import DepartmentRecordMixin
from .choices import (
    DISPOSITION,
    HANDLING_TYPE,
    ITEM_KIND,
    LIFECYCLE,
    RUNNING_STATUS,
    TIME_UNIT,
    USER_GROUP,
)
from .time_limit import DERIVED, TimeLimit, read_time_limit
from .validators import fits_a_cell, non_negative, time_limit_words

# The lifecycle state of an item taken off the hall: read-only, out of the lists, kept for figures.
OFFLINE = "offline"


class ServiceItem(DepartmentRecordMixin, Model):
    """One online business process, written down as one sheet (一事一单).

    The six modules are 办理要件 (`conditions` plus the materials), 办理路径 (`path`), 咨询渠道
    (`consultation`), 办理时限 (GB/T 39554: `handling_type`, the promised and the statutory limit,
    each the guide's words plus their number or range and unit, and `service_hours`), 办理提示
    (`tips`) and 流程图, which is drawn from the ordered process nodes. `time_limit_days` is
    derived from the promised limit for the figures (0 for 即办件, the upper bound in 工作日,
    else unknown).
    """

    __tablename__ = "service_item"
    # What the service hall's audit events on an item carry besides its columns.
    __labels__ = {"note": _l("说明"), "confirmed_department": _l("确认上线的单位")}
    __table_args__ = (
        CheckConstraint(
            "time_limit_days IS NULL OR time_limit_days >= 0", name="ck_item_time_limit"
        ),
        # Cover the dashboard's count of items per department and running status, and its
        # approval times (a decision's item read from the index, not from the wide row).
        Index("ix_service_item_department_running", "department_id", "running_status"),
        Index("ix_service_item_time_limit", "id", "department_id", "time_limit_days"),
        # Cover the board's and the assessment's counts per department, workflow status and
        # lifecycle (and the first items by code), read from the index, not the wide rows.
        Index(
            "ix_service_item_board",
            "department_id",
            "status",
            "lifecycle",
            "running_status",
            "incomplete",
            "code",
        ),
        # Finds the items whose flag is not computed yet (catalog.completeness_sql).
        Index("ix_service_item_incomplete", "incomplete"),
        # Covers the live items hosted per system (finding_platforms.hosted_counts: the
        # capability map and the findings), counted from the index, not from the wide rows.
        Index("ix_service_item_hosted", "hosting_system_id", "lifecycle"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(
        String(32), unique=True, nullable=False, info={"label": _l("事项编码")}
    )
    name: Mapped[str] = mapped_column(
        String(120), nullable=False, index=True, info={"label": _l("事项名称")}
    )
    post: Mapped[str | None] = mapped_column(String(64), info={"label": _l("责任岗位")})
    kind: Mapped[str] = mapped_column(
        String(16),
        nullable=False,
        default="service",
        info={"label": _l("事项类型"), "choices": ITEM_KIND},
    )
    running_status: Mapped[str] = mapped_column(
        String(16),
        nullable=False,
        default="deploy",
        index=True,
        info={
            "label": _l("运行状态"),
            "choices": RUNNING_STATUS,
            "description": _l(
                "良好：已全流程线上运行；待改进：系统已搭建但未实际启用；"
                "待部署：暂未上线、具备线上改造条件。"
            ),
        },
    )
    hosting_system_id: Mapped[int | None] = mapped_column(
        ForeignKey("information_system.id", ondelete="SET NULL"), index=True
    )
    hosting_system = relationship(
        "InformationSystem", lazy="joined", info={"label": _l("承载系统")}
    )
    online_entry: Mapped[str | None] = mapped_column(
        String(255),
        info={
            "label": _l("线上办理入口"),
            "description": _l("如：融合门户—应用中心—学生请假，或网址。"),
        },
    )
    user_groups: Mapped[str | None] = mapped_column(  # codes joined by ","
        String(255), info={"label": _l("使用人群"), "codes": USER_GROUP}
    )
    audience_note: Mapped[str | None] = mapped_column(
        String(255),
        info={
            "label": _l("其他使用人群"),
            "description": _l("使用人群列表之外的服务对象，按指南原文填写。"),
        },
    )
    # The six modules.
    conditions: Mapped[str | None] = mapped_column(
        Text, info={"label": _l("办理要件（办理条件）"), "validators": (fits_a_cell(),)}
    )
    path: Mapped[str | None] = mapped_column(
        Text, info={"label": _l("办理路径"), "validators": (fits_a_cell(),)}
    )
    consultation: Mapped[str | None] = mapped_column(
        Text, info={"label": _l("咨询渠道"), "validators": (fits_a_cell(),)}
    )
    handling_type: Mapped[str | None] = mapped_column(
        String(16), info={"label": _l("办件类型"), "choices": HANDLING_TYPE}
    )
    promised_limit: Mapped[str | None] = mapped_column(
        String(255),
        info={
            "label": _l("承诺办结时限"),
            "description": _l("按指南原文填写，如“5个工作日”“1-30天”“即办件”。"),
            "validators": (time_limit_words(),),
        },
    )
    promised_low: Mapped[int | None] = mapped_column(Integer, info=DERIVED)
    promised_high: Mapped[int | None] = mapped_column(Integer, info=DERIVED)
    promised_unit: Mapped[str | None] = mapped_column(
        String(16), info={"label": _l("承诺时限单位"), "choices": TIME_UNIT, "derived": True}
    )
    statutory_limit: Mapped[str | None] = mapped_column(
        String(255),
        info={
            "label": _l("法定办结时限"),
            "description": _l("有法定时限的按原文填写；没有的留空。"),
            "validators": (time_limit_words(),),
        },
    )
    statutory_low: Mapped[int | None] = mapped_column(Integer, info=DERIVED)
    statutory_high: Mapped[int | None] = mapped_column(Integer, info=DERIVED)
    statutory_unit: Mapped[str | None] = mapped_column(
        String(16), info={"label": _l("法定时限单位"), "choices": TIME_UNIT, "derived": True}
    )
    time_limit_days: Mapped[int | None] = mapped_column(
        Integer,
        info={"label": _l("办理时限（工作日）"), "validators": (non_negative(),), "derived": True},
    )
    service_hours: Mapped[str | None] = mapped_column(String(120), info={"label": _l("办理时段")})
    tips: Mapped[str | None] = mapped_column(
        Text, info={"label": _l("办理提示"), "validators": (fits_a_cell(),)}
    )
    # Survey findings.
    pain_points: Mapped[str | None] = mapped_column(
        Text, info={"label": _l("流程痛点"), "validators": (fits_a_cell(),)}
    )
    suggestions: Mapped[str | None] = mapped_column(
        Text, info={"label": _l("优化建议"), "validators": (fits_a_cell(),)}
    )
    transformation_needs: Mapped[str | None] = mapped_column(
        Text,
        info={
            "label": _l("线上改造需求"),
            "description": _l("“待部署”事项填写线上改造需求。"),
        },
    )
    disposition: Mapped[str | None] = mapped_column(
        String(16),
        info={
            "label": _l("待改进事项处置"),
            "choices": DISPOSITION,
            "description": _l("仅“待改进”事项填写：计划启用，或拟下线。"),
        },
    )
    disposition_note: Mapped[str | None] = mapped_column(
        Text, info={"label": _l("启用计划或下线理由")}
    )
    # Lifecycle on the service hall (measures art. 8-12), moved only by app.services.lifecycle.
    lifecycle: Mapped[str] = mapped_column(
        String(24),
        nullable=False,
        default="online",
        index=True,
        info={"label": _l("上线状态"), "choices": LIFECYCLE},
    )
    # Whether the item lacks something for a submission (`completeness.missing_for_item`), kept
    # by `app.services.catalog.completeness_sql` when the item, its materials or nodes change;
    # None until computed, and then the board evaluates the rule itself.
    incomplete: Mapped[bool | None] = mapped_column(Boolean, info={"label": _l("内容不完整")})
    lifecycle_note: Mapped[str | None] = mapped_column(Text, info={"label": _l("上线流程说明")})
    # Before go-live (measures art. 4(3)④, 16): the offline emergency plan, and no 涉密 item.
    offline_plan: Mapped[str | None] = mapped_column(
        Text,
        info={
            "label": _l("线下应急办理预案"),
            "description": _l(
                "网上办事大厅不可用时如何线下办理：办理地点、联系人及电话、所需材料。上线前必填。"
            ),
        },
    )
    classified: Mapped[bool] = mapped_column(
        Boolean,
        nullable=False,
        default=False,
        info={
            "label": _l("涉密事项"),
            "description": _l("涉密事项不得在网上办事大厅办理，不能上线（办法第七条、第十六条）。"),
        },
    )

    @validates("promised_limit", "statutory_limit")
    def _read_limit(self, key: str, text: str | None) -> str | None:
        """Setting a limit's words sets what they say: one parser for forms and the import."""
        reading = read_time_limit(text)
        prefix = key.split("_")[0]
        setattr(self, prefix + "_low", reading.low)
        setattr(self, prefix + "_high", reading.high)
        setattr(self, prefix + "_unit", reading.unit)
        if key == "promised_limit":
            self.time_limit_days = reading.working_days
            if reading.handling is not None and self.handling_type is None:
                self.handling_type = reading.handling
        return reading.text

    @property
    def audience(self) -> Audience:
        """服务对象: the reference list's codes and the free remainder, together."""
        return Audience(self.user_groups or None, self.audience_note or None)

    @audience.setter
    def audience(self, value: Audience | None) -> None:
        value = value or Audience(None, None)
        self.user_groups, self.audience_note = value.codes, value.note

    @property
    def promised(self) -> TimeLimit:
        """The promised limit (承诺办结时限) as read from its words."""
        return read_time_limit(self.promised_limit)

    @property
    def statutory(self) -> TimeLimit:
        """The statutory limit (法定办结时限) as read from its words."""
        return read_time_limit(self.statutory_limit)

    @hybrid_property
    def is_offline(self) -> bool:
        """Taken offline (measures art. 12): one definition for Python and for SQL filters."""
        return self.lifecycle == OFFLINE

    materials = relationship(
        "Material",
        back_populates="item",
        cascade="all, delete-orphan",
        order_by="Material.position",
        lazy="select",
        info={"label": _l("申报材料")},
    )
    nodes = relationship(
        "ProcessNode",
        back_populates="item",
        cascade="all, delete-orphan",
        order_by="ProcessNode.position",
        lazy="select",
        info={"label": _l("流转环节")},
    )

    def __str__(self):
        return f"{self.code} {self.name}"


# The item's children, in a module of their own; imported here for the callers and the mappers.
from .item_parts import Material, ProcessNode  # noqa: E402,F401
