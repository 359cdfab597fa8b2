"""The online service hall's governance records (measures art. 4, 6, 8-12, 18).

- `HallRequest`: an onboarding, change or offline request (入驻/变更/下线申请) of the owning
  unit, approved or returned by the party & administration office with its e-signature;
- `HallStep`: one step of an item's way online and off (the timeline: who, when, what, with
  the acceptance record, the training date and attachment, each unit's confirmation);
- `HandlerAssignment`: who handles which node (办理人备案): proposed by the unit's process
  administrator, approved by the office, filed by the IT office, ended when the person leaves;
- `TrainingRecord`: a person's training assessment (培训考核) and how long it is valid;
- `HallDrill`: the hall's technical emergency plan and its drills (应急预案与演练), whose
  findings open a rectification task.
"""

from datetime import date, datetime

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from .base import TrackedMixin, utcnow
from .choices import ASSIGNMENT_STATUS, DRILL_KIND, HALL_REQUEST_KIND, LIFECYCLE, REQUEST_STATUS


class _Signed:
    """The office's signed decision on a request (measures art. 13), as on other decisions."""

    submitted_at: Mapped[datetime | None] = mapped_column(DateTime, info={"label": _l("提交时间")})
    decided_at: Mapped[datetime | None] = mapped_column(DateTime, info={"label": _l("审批时间")})
    signer_name: Mapped[str | None] = mapped_column(String(128), info={"label": _l("审批签名")})
    signature_hash: Mapped[str | None] = mapped_column(String(64), info={"label": _l("签名摘要")})
    decision_comment: Mapped[str | None] = mapped_column(Text, info={"label": _l("审批意见")})


class HallRequest(_Signed, TrackedMixin, Model):
    """An onboarding, change or offline request of the unit that owns the item."""

    __tablename__ = "hall_request"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("service_item.id", ondelete="CASCADE"), nullable=False, index=True
    )
    item = relationship("ServiceItem", lazy="joined", info={"label": _l("所属事项")})
    department_id: Mapped[int] = mapped_column(
        ForeignKey("department.id"), nullable=False, index=True
    )
    department = relationship("Department", lazy="joined", info={"label": _l("申请单位")})
    kind: Mapped[str] = mapped_column(
        String(16), nullable=False, info={"label": _l("申请类别"), "choices": HALL_REQUEST_KIND}
    )
    reason: Mapped[str] = mapped_column(
        Text, nullable=False, info={"label": _l("申请理由（变更需求）")}
    )
    no_classified: Mapped[bool] = mapped_column(
        Boolean,
        nullable=False,
        default=False,
        info={
            "label": _l("承诺不含涉密信息"),
            "description": _l("申请人确认未向网上办事大厅上传涉密信息（办法第十六条）。"),
        },
    )
    status: Mapped[str] = mapped_column(
        String(16),
        nullable=False,
        default="submitted",
        index=True,
        info={"label": _l("审批状态"), "choices": REQUEST_STATUS},
    )
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    submitted_by = relationship(
        "ConsoleUser", foreign_keys=[submitted_by_id], info={"label": _l("申请人")}
    )

    def __str__(self):
        return f"{HALL_REQUEST_KIND.label(self.kind)}：{self.item}"


class HandlerAssignment(_Signed, TrackedMixin, Model):
    """A named handler of one node, from proposal to filing, and to leaving (kept as history)."""

    __tablename__ = "handler_assignment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    node_id: Mapped[int] = mapped_column(
        ForeignKey("process_node.id", ondelete="CASCADE"), nullable=False, index=True
    )
    node = relationship("ProcessNode", lazy="joined", info={"label": _l("流转环节")})
    item_id: Mapped[int] = mapped_column(
        ForeignKey("service_item.id", ondelete="CASCADE"), nullable=False, index=True
    )
    item = relationship("ServiceItem", lazy="joined", info={"label": _l("所属事项")})
    department_id: Mapped[int] = mapped_column(
        ForeignKey("department.id"), nullable=False, index=True
    )
    department = relationship("Department", lazy="joined", info={"label": _l("办理单位")})
    username: Mapped[str] = mapped_column(
        String(64), nullable=False, index=True, info={"label": _l("统一身份认证账号")}
    )
    display_name: Mapped[str] = mapped_column(
        String(64), nullable=False, info={"label": _l("姓名")}
    )
    employee_type: Mapped[str | None] = mapped_column(
        String(32), info={"label": _l("人员类别（统一身份认证）")}
    )
    status: Mapped[str] = mapped_column(
        String(16),
        nullable=False,
        default="submitted",
        index=True,
        info={"label": _l("备案状态"), "choices": ASSIGNMENT_STATUS},
    )
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    submitted_by = relationship(
        "ConsoleUser", foreign_keys=[submitted_by_id], info={"label": _l("提出人（流程管理员）")}
    )
    filed_at: Mapped[datetime | None] = mapped_column(DateTime, info={"label": _l("备案时间")})
    filed_by_name: Mapped[str | None] = mapped_column(String(128), info={"label": _l("备案人")})
    ended_at: Mapped[datetime | None] = mapped_column(DateTime, info={"label": _l("离岗时间")})
    end_reason: Mapped[str | None] = mapped_column(Text, info={"label": _l("离岗原因")})

    @property
    def is_active(self) -> bool:
        return self.status == "filed"

    def __str__(self):
        return f"{self.display_name}（{self.node}）"


class HallStep(Model):
    """One step of an item's way online and off, shown as its timeline."""

    __tablename__ = "hall_step"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("service_item.id", ondelete="CASCADE"), nullable=False, index=True
    )
    action: Mapped[str] = mapped_column(String(32), nullable=False, info={"label": _l("操作")})
    from_state: Mapped[str | None] = mapped_column(
        String(24), info={"label": _l("原状态"), "choices": LIFECYCLE}
    )
    to_state: Mapped[str | None] = mapped_column(
        String(24), info={"label": _l("新状态"), "choices": LIFECYCLE}
    )
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    department = relationship("Department", lazy="joined", info={"label": _l("确认单位")})
    user_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    actor_name: Mapped[str] = mapped_column(
        String(128), nullable=False, info={"label": _l("操作人")}
    )
    at: Mapped[datetime] = mapped_column(
        DateTime, nullable=False, default=utcnow, info={"label": _l("时间")}
    )
    note: Mapped[str | None] = mapped_column(Text, info={"label": _l("说明（验收记录）")})
    event_date: Mapped[date | None] = mapped_column(Date, info={"label": _l("培训宣传日期")})
    attachment_name: Mapped[str | None] = mapped_column(String(255), info={"label": _l("附件")})
    attachment_type: Mapped[str | None] = mapped_column(String(100))
    attachment: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    signature_hash: Mapped[str | None] = mapped_column(String(64), info={"label": _l("签名摘要")})


class TrainingRecord(TrackedMixin, Model):
    """A person's training assessment (measures art. 18), kept by the IT office."""

    __tablename__ = "training_record"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(
        String(64), nullable=False, index=True, info={"label": _l("统一身份认证账号")}
    )
    display_name: Mapped[str] = mapped_column(
        String(64), nullable=False, info={"label": _l("姓名")}
    )
    session_name: Mapped[str] = mapped_column(
        String(120), nullable=False, info={"label": _l("培训名称")}
    )
    session_date: Mapped[date] = mapped_column(Date, nullable=False, info={"label": _l("培训日期")})
    passed: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, info={"label": _l("考核合格")}
    )
    score: Mapped[int | None] = mapped_column(Integer, info={"label": _l("考核成绩")})
    valid_until: Mapped[date | None] = mapped_column(
        Date,
        info={
            "label": _l("有效期至"),
            "description": _l("不填则按培训日期加系统设置的有效期（默认一年）计算。"),
        },
    )

    def __str__(self):
        return f"{self.display_name} {self.session_name}"


class HallDrill(TrackedMixin, Model):
    """The hall's technical emergency plan (a revision) or one drill of it (measures art.
    4(2)⑤), kept by the IT office; a drill's findings open a rectification task."""

    __tablename__ = "hall_drill"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(
        String(16),
        nullable=False,
        default="drill",
        info={"label": _l("类别"), "choices": DRILL_KIND},
    )
    title: Mapped[str] = mapped_column(String(200), nullable=False, info={"label": _l("名称")})
    held_on: Mapped[date] = mapped_column(
        Date, nullable=False, info={"label": _l("日期（发布或演练）")}
    )
    content: Mapped[str | None] = mapped_column(Text, info={"label": _l("预案内容或演练过程")})
    findings: Mapped[str | None] = mapped_column(
        Text,
        info={
            "label": _l("发现的问题"),
            "description": _l("演练中发现的问题，每行一条；可据此生成整改任务。"),
        },
    )
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    department = relationship("Department", lazy="joined", info={"label": _l("整改责任部门")})
    task_id: Mapped[int | None] = mapped_column(
        ForeignKey("rectification_task.id", ondelete="SET NULL")
    )
    task = relationship("RectificationTask", lazy="joined", info={"label": _l("整改任务")})

    def __str__(self):
        return self.title
