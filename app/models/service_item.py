"""Service item (线上办事事项, attachments 2 and 3) with its materials and process nodes."""

from flask_appbuilder import Model
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import DepartmentRecordMixin, TrackedMixin

# The lifecycle state of an item taken off the hall: read-only, out of the lists, kept for figures.
OFFLINE = "offline"


class ServiceItem(DepartmentRecordMixin, Model):
    """One online business process, written down as one sheet (一事一单).

    The six modules are 办理要件 (`conditions` plus the materials), 办理路径 (`path`), 咨询渠道
    (`consultation`), 办理时限 (`time_limit_days` and `service_hours`), 办理提示 (`tips`) and
    流程图, which is drawn from the ordered process nodes.
    """

    __tablename__ = "service_item"
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
    code: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(120), nullable=False, index=True)
    post: Mapped[str | None] = mapped_column(String(64))  # 责任岗位
    kind: Mapped[str] = mapped_column(String(16), nullable=False, default="service")
    running_status: Mapped[str] = mapped_column(
        String(16), nullable=False, default="deploy", index=True
    )
    hosting_system_id: Mapped[int | None] = mapped_column(
        ForeignKey("information_system.id", ondelete="SET NULL"), index=True
    )
    hosting_system = relationship("InformationSystem", lazy="joined")
    online_entry: Mapped[str | None] = mapped_column(String(255))  # 线上办理入口
    user_groups: Mapped[str | None] = mapped_column(String(64))  # 使用人群, codes joined by ","
    # The six modules.
    conditions: Mapped[str | None] = mapped_column(Text)  # 办理要件：条件
    path: Mapped[str | None] = mapped_column(Text)  # 办理路径
    consultation: Mapped[str | None] = mapped_column(Text)  # 咨询渠道
    time_limit_days: Mapped[int | None] = mapped_column(Integer)  # 办理时限（工作日）
    service_hours: Mapped[str | None] = mapped_column(String(120))  # 办理时段
    tips: Mapped[str | None] = mapped_column(Text)  # 办理提示
    # Survey findings.
    pain_points: Mapped[str | None] = mapped_column(Text)  # 痛点
    suggestions: Mapped[str | None] = mapped_column(Text)  # 优化建议
    transformation_needs: Mapped[str | None] = mapped_column(Text)  # 线上改造需求（待部署）
    disposition: Mapped[str | None] = mapped_column(String(16))  # 待改进：计划启用 / 拟下线
    disposition_note: Mapped[str | None] = mapped_column(Text)  # 启用计划或下线理由
    # Lifecycle on the service hall (measures art. 8-12), moved only by app.services.lifecycle.
    lifecycle: Mapped[str] = mapped_column(String(24), nullable=False, default="online", index=True)
    lifecycle_note: Mapped[str | None] = mapped_column(Text)

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
    )
    nodes = relationship(
        "ProcessNode",
        back_populates="item",
        cascade="all, delete-orphan",
        order_by="ProcessNode.position",
        lazy="select",
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
    item = relationship("ServiceItem", back_populates="materials", lazy="joined")
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    required: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    form: Mapped[str] = mapped_column(String(16), nullable=False, default="electronic")
    copies: Mapped[int | None] = mapped_column(Integer, default=1)
    notes: Mapped[str | None] = mapped_column(Text)

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
    item = relationship("ServiceItem", back_populates="nodes", lazy="joined")
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False, default="review")
    handling_department_id: Mapped[int | None] = mapped_column(
        ForeignKey("department.id"), index=True
    )
    handling_department = relationship("Department", lazy="joined")
    handling_post: Mapped[str | None] = mapped_column(String(64))
    approval_level: Mapped[int | None] = mapped_column(Integer)  # 审批层级
    time_limit_days: Mapped[int | None] = mapped_column(Integer)  # 办理时限（工作日）

    def __str__(self):
        return self.name
