"""A service item's children: its materials (申报材料) and its process nodes (办理流程)."""

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from .base import TrackedMixin
from .choices import MATERIAL_FORM, MATERIAL_SOURCE, NODE_KIND, TIME_UNIT
from .time_limit import DERIVED, read_time_limit
from .validators import fits_a_cell, non_negative, time_limit_words


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
    form: Mapped[str | None] = mapped_column(  # codes joined by ",": 原件及复印件 is two
        String(64),
        info={"label": _l("材料形式"), "codes": MATERIAL_FORM},
    )
    copies: Mapped[int | None] = mapped_column(  # blank is unknown, never 1
        Integer, info={"label": _l("份数"), "validators": (non_negative(),)}
    )
    source: Mapped[str | None] = mapped_column(
        String(16), info={"label": _l("材料来源"), "choices": MATERIAL_SOURCE}
    )
    notes: Mapped[str | None] = mapped_column(
        Text, info={"label": _l("备注"), "validators": (fits_a_cell(),)}
    )

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
    time_limit: Mapped[str | None] = mapped_column(
        String(255),
        info={
            "label": _l("环节时限"),
            "description": _l("按原文填写，如“2个工作日”“即办”。"),
            "validators": (time_limit_words(),),
        },
    )
    time_limit_low: Mapped[int | None] = mapped_column(Integer, info=DERIVED)
    time_limit_high: Mapped[int | None] = mapped_column(Integer, info=DERIVED)
    time_limit_unit: Mapped[str | None] = mapped_column(
        String(16), info={"label": _l("环节时限单位"), "choices": TIME_UNIT, "derived": True}
    )
    time_limit_days: Mapped[int | None] = mapped_column(
        Integer,
        info={"label": _l("办理时限（工作日）"), "validators": (non_negative(),), "derived": True},
    )

    @validates("time_limit")
    def _read_limit(self, key: str, text: str | None) -> str | None:
        """Setting the limit's words sets what they say (the item's parser)."""
        reading = read_time_limit(text)
        self.time_limit_low, self.time_limit_high = reading.low, reading.high
        self.time_limit_unit = reading.unit
        self.time_limit_days = reading.working_days
        return reading.text

    def __str__(self):
        return self.name
