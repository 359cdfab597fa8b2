"""Service item (线上办事事项, attachments 2 and 3) with its materials and process nodes."""

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import DepartmentRecordMixin, TrackedMixin
from .choices import (
    DISPOSITION,
    ITEM_KIND,
    LIFECYCLE,
    MATERIAL_FORM,
    NODE_KIND,
    RUNNING_STATUS,
    USER_GROUP,
)
from .validators import non_negative

# The lifecycle state of an item taken off the hall: read-only, out of the lists, kept for figures.
OFFLINE = "offline"


class ServiceItem(DepartmentRecordMixin, Model):
    """One online business process, written down as one sheet (一事一单).

    The six modules are 办理要件 (`conditions` plus the materials), 办理路径 (`path`), 咨询渠道
    (`consultation`), 办理时限 (`time_limit_days` and `service_hours`), 办理提示 (`tips`) and
    流程图, which is drawn from the ordered process nodes.
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
        String(64), info={"label": _l("使用人群"), "codes": USER_GROUP}
    )
    # The six modules.
    conditions: Mapped[str | None] = mapped_column(Text, info={"label": _l("办理要件（办理条件）")})
    path: Mapped[str | None] = mapped_column(Text, info={"label": _l("办理路径")})
    consultation: Mapped[str | None] = mapped_column(Text, info={"label": _l("咨询渠道")})
    time_limit_days: Mapped[int | None] = mapped_column(
        Integer, info={"label": _l("办理时限（工作日）"), "validators": (non_negative(),)}
    )
    service_hours: Mapped[str | None] = mapped_column(String(120), info={"label": _l("办理时段")})
    tips: Mapped[str | None] = mapped_column(Text, info={"label": _l("办理提示")})
    # Survey findings.
    pain_points: Mapped[str | None] = mapped_column(Text, info={"label": _l("流程痛点")})
    suggestions: Mapped[str | None] = mapped_column(Text, info={"label": _l("优化建议")})
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


class Material(TrackedMixin, Model):
    """An application material (申报材料) an applicant hands in for a service item."""

    __tablename__ = "material"
    __table_args__ = (CheckConstraint("copies IS NULL OR copies >= 0", name="ck_material_copies"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("service_item.id", ondelete="CASCADE"), nullable=False, index=True
    )
    item = relationship(
        "ServiceItem", back_populates="materials", lazy="joined", info={"label": _l("所属事项")}
    )
    position: Mapped[int] = mapped_column(
        Integer,
        nullable=False,
        default=1,
        info={"label": _l("序号"), "validators": (non_negative(),)},
    )
    name: Mapped[str] = mapped_column(String(120), nullable=False, info={"label": _l("材料名称")})
    required: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=True, info={"label": _l("是否必需")}
    )
    form: Mapped[str] = mapped_column(
        String(16),
        nullable=False,
        default="electronic",
        info={"label": _l("材料形式"), "choices": MATERIAL_FORM},
    )
    copies: Mapped[int | None] = mapped_column(
        Integer, default=1, info={"label": _l("份数"), "validators": (non_negative(),)}
    )
    notes: Mapped[str | None] = mapped_column(Text, info={"label": _l("备注")})

    def __str__(self):
        return self.name


class ProcessNode(TrackedMixin, Model):
    """A step (流转环节) of a service item's process; consecutive countersign nodes run in
    parallel."""

    __tablename__ = "process_node"
    __table_args__ = (
        CheckConstraint(
            "time_limit_days IS NULL OR time_limit_days >= 0", name="ck_node_time_limit"
        ),
        CheckConstraint(
            "approval_level IS NULL OR approval_level >= 0", name="ck_node_approval_level"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("service_item.id", ondelete="CASCADE"), nullable=False, index=True
    )
    item = relationship(
        "ServiceItem", back_populates="nodes", lazy="joined", info={"label": _l("所属事项")}
    )
    position: Mapped[int] = mapped_column(
        Integer,
        nullable=False,
        default=1,
        info={"label": _l("顺序"), "validators": (non_negative(),)},
    )
    name: Mapped[str] = mapped_column(String(120), nullable=False, info={"label": _l("环节名称")})
    kind: Mapped[str] = mapped_column(
        String(16),
        nullable=False,
        default="review",
        info={
            "label": _l("环节类型"),
            "choices": NODE_KIND,
            "description": _l("相邻的“会签”环节并行办理。"),
        },
    )
    handling_department_id: Mapped[int | None] = mapped_column(
        ForeignKey("department.id"), index=True
    )
    handling_department = relationship("Department", lazy="joined", info={"label": _l("办理部门")})
    handling_post: Mapped[str | None] = mapped_column(String(64), info={"label": _l("办理岗位")})
    approval_level: Mapped[int | None] = mapped_column(
        Integer,
        info={
            "label": _l("审批层级"),
            "description": _l("1 表示部门级，2 表示分管校领导级，依此类推。"),
            "validators": (non_negative(),),
        },
    )
    time_limit_days: Mapped[int | None] = mapped_column(
        Integer, info={"label": _l("办理时限（工作日）"), "validators": (non_negative(),)}
    )

    def __str__(self):
        return self.name
