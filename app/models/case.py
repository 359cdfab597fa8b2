"""Cases (办件): one application for a live service item, its node steps and its files.

- `Case`: the applicant's application; it keeps the item's approved version it started with
  and the serialised state of its running process (SpiffWorkflow), so later node changes do
  not touch it;
- `CaseTask`: one node's step of a case: who holds it, until when, the signed decision;
- `CaseFile`: an uploaded material, kept in the instance folder's uploads with its hash;
- `CaseRating`: the applicant's 好差评 of a completed case, once per case.
"""

from datetime import datetime

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from .base import TrackedMixin
from .choices import CASE_DECISION, CASE_STATUS, CASE_TASK_STATE, POOR_RATING_LEVELS, RATING_LEVEL


class Case(TrackedMixin, Model):
    """An application (办件) for a live service item."""

    __tablename__ = "service_case"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, info={"label": _l("办件编号")})
    item_id: Mapped[int] = mapped_column(
        ForeignKey("service_item.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    item = relationship("ServiceItem", lazy="joined", info={"label": _l("办理事项")})
    # The item's department, kept on the case for the audit trail and the figures.
    department_id: Mapped[int] = mapped_column(
        ForeignKey("department.id"), nullable=False, index=True
    )
    department = relationship("Department", lazy="joined", info={"label": _l("办理部门")})
    applicant_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), nullable=False, index=True)
    applicant = relationship(
        "ConsoleUser", foreign_keys=[applicant_id], lazy="joined", info={"label": _l("申请人")}
    )
    status: Mapped[str] = mapped_column(
        String(16),
        nullable=False,
        default="draft",
        index=True,
        info={"label": _l("办件状态"), "choices": CASE_STATUS},
    )
    conditions_confirmed: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, info={"label": _l("已确认符合办理条件")}
    )
    note: Mapped[str | None] = mapped_column(Text, info={"label": _l("申请说明")})
    submitted_at: Mapped[datetime | None] = mapped_column(
        DateTime, index=True, info={"label": _l("提交时间")}
    )
    due_at: Mapped[datetime | None] = mapped_column(DateTime, info={"label": _l("承诺办结时间")})
    completed_at: Mapped[datetime | None] = mapped_column(DateTime, info={"label": _l("办结时间")})
    result: Mapped[str | None] = mapped_column(Text, info={"label": _l("办理结果")})
    return_comment: Mapped[str | None] = mapped_column(Text, info={"label": _l("补正意见")})
    definition_version: Mapped[int | None] = mapped_column(
        Integer, info={"label": _l("流程版本（事项审核通过版本）")}
    )
    # The running process: SpiffWorkflow's serialised JSON (it embeds the definition).
    workflow_state: Mapped[str | None] = deferred(
        mapped_column(Text, info={"label": _l("流程运行状态")})
    )
    tasks = relationship(
        "CaseTask",
        back_populates="case",
        order_by="CaseTask.id",
        cascade="all, delete-orphan",
        info={"label": _l("办理环节")},
    )
    files = relationship(
        "CaseFile",
        back_populates="case",
        order_by="CaseFile.id",
        cascade="all, delete-orphan",
        info={"label": _l("申请材料")},
    )

    rating = relationship(
        "CaseRating",
        back_populates="case",
        uselist=False,
        cascade="all, delete-orphan",
        info={"label": _l("办件评价")},
    )

    def __str__(self):
        return f"{self.item}（{self.id}）" if self.id else str(self.item)


class CaseTask(TrackedMixin, Model):
    """One node's step of a case, with its handler, due date and signed decision."""

    __tablename__ = "case_task"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("service_case.id", ondelete="CASCADE"), nullable=False, index=True
    )
    case = relationship("Case", back_populates="tasks", info={"label": _l("办件")})
    node_id: Mapped[int | None] = mapped_column(
        ForeignKey("process_node.id", ondelete="SET NULL"), index=True
    )
    node = relationship("ProcessNode", lazy="joined", info={"label": _l("流转环节")})
    # The node's name as the case's definition had it (the node may change or go later).
    node_name: Mapped[str] = mapped_column(
        String(120), nullable=False, info={"label": _l("环节名称")}
    )
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), index=True)
    handler = relationship(
        "ConsoleUser", foreign_keys=[handler_id], lazy="joined", info={"label": _l("办理人")}
    )
    state: Mapped[str] = mapped_column(
        String(16),
        nullable=False,
        default="open",
        index=True,
        info={"label": _l("环节状态"), "choices": CASE_TASK_STATE},
    )
    opened_at: Mapped[datetime] = mapped_column(
        DateTime, nullable=False, info={"label": _l("到达时间")}
    )
    due_at: Mapped[datetime | None] = mapped_column(DateTime, info={"label": _l("办理期限")})
    acted_at: Mapped[datetime | None] = mapped_column(DateTime, info={"label": _l("办理时间")})
    decision: Mapped[str | None] = mapped_column(
        String(16), info={"label": _l("办理意见类型"), "choices": CASE_DECISION}
    )
    comment: Mapped[str | None] = mapped_column(Text, info={"label": _l("办理意见")})
    signer_name: Mapped[str | None] = mapped_column(String(128), info={"label": _l("签名")})
    signature_hash: Mapped[str | None] = mapped_column(String(64), info={"label": _l("签名摘要")})

    def __str__(self):
        return f"{self.node_name}（{self.case_id}）"


class CaseFile(TrackedMixin, Model):
    """An uploaded application material, stored under the instance folder's uploads."""

    __tablename__ = "case_file"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("service_case.id", ondelete="CASCADE"), nullable=False, index=True
    )
    case = relationship("Case", back_populates="files", info={"label": _l("办件")})
    material_id: Mapped[int | None] = mapped_column(
        ForeignKey("material.id", ondelete="SET NULL"), index=True
    )
    material = relationship("Material", lazy="joined", info={"label": _l("申报材料")})
    filename: Mapped[str] = mapped_column(String(255), nullable=False, info={"label": _l("文件名")})
    content_type: Mapped[str] = mapped_column(
        String(100), nullable=False, info={"label": _l("文件类型")}
    )
    size: Mapped[int] = mapped_column(
        Integer, nullable=False, info={"label": _l("文件大小（字节）")}
    )
    sha256: Mapped[str] = mapped_column(String(64), nullable=False, info={"label": _l("文件摘要")})
    # Where the bytes are, relative to the uploads folder (named by the hash, never by the user).
    stored_as: Mapped[str] = mapped_column(
        String(255), nullable=False, info={"label": _l("存储位置")}
    )

    def __str__(self):
        return self.filename


def _level(label):
    return mapped_column(String(24), nullable=False, info={"label": label, "choices": RATING_LEVEL})


class CaseRating(TrackedMixin, Model):
    """The applicant's 好差评 of a completed case (GB/T 39734's online indicators), once per
    case. A poor overall rating opens a rectification task of the item's department, whose
    outcome the applicant reads on the case's page."""

    __tablename__ = "case_rating"
    __table_args__ = (UniqueConstraint("case_id", name="uq_case_rating_case_id"),)
    # The indicators in the order the form and the page show them.
    INDICATORS = ("overall", "efficiency", "guide_accuracy", "convenience", "usability")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("service_case.id", ondelete="CASCADE"), nullable=False
    )
    case = relationship("Case", back_populates="rating", info={"label": _l("办件")})
    overall: Mapped[str] = _level(_l("整体满意度"))
    efficiency: Mapped[str] = _level(_l("办事效率"))
    guide_accuracy: Mapped[str] = _level(_l("办事指南精确度"))
    convenience: Mapped[str] = _level(_l("办事便捷度"))
    usability: Mapped[str] = _level(_l("平台操作性"))
    comment: Mapped[str | None] = mapped_column(Text, info={"label": _l("评价内容")})
    rated_at: Mapped[datetime] = mapped_column(
        DateTime, nullable=False, info={"label": _l("评价时间")}
    )
    task_id: Mapped[int | None] = mapped_column(
        ForeignKey("rectification_task.id", ondelete="SET NULL"), index=True
    )
    task = relationship("RectificationTask", lazy="joined", info={"label": _l("差评整改任务")})

    @property
    def is_poor(self) -> bool:
        """不满意 or worse overall: a 差评."""
        return self.overall in POOR_RATING_LEVELS

    def __str__(self):
        return f"{self.case}：{RATING_LEVEL.label(self.overall)}"
