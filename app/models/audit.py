"""Audit trail (审计日志): an append-only, hash-chained record of every change and event.

Rows are written only by `app.services.trail.audit`; database triggers refuse UPDATE and DELETE.
Each entry's `hash` covers its content and the previous entry's hash, so `flask audit-verify`
finds the first entry that was altered or removed.
"""

from datetime import datetime

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import utcnow
from .choices import AUDIT_ACTION


class AuditEntry(Model):
    """One event: who did what to which record, when, from where, with field before/after."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(
        Integer, nullable=False, unique=True, info={"label": _l("序号")}
    )
    at: Mapped[datetime] = mapped_column(
        DateTime, nullable=False, default=utcnow, index=True, info={"label": _l("时间")}
    )
    user_id: Mapped[int | None] = mapped_column(Integer, index=True)  # no FK: users may go
    username: Mapped[str | None] = mapped_column(String(128), info={"label": _l("用户")})
    ip: Mapped[str | None] = mapped_column(String(64), info={"label": _l("IP 地址")})
    action: Mapped[str] = mapped_column(
        String(16),
        nullable=False,
        index=True,
        info={"label": _l("操作"), "choices": AUDIT_ACTION},
    )
    record_type: Mapped[str | None] = mapped_column(String(40), info={"label": _l("记录类型")})
    record_id: Mapped[int | None] = mapped_column(Integer, info={"label": _l("记录编号")})
    department_id: Mapped[int | None] = mapped_column(
        Integer, index=True, info={"label": _l("部门编号")}
    )
    summary: Mapped[str | None] = mapped_column(String(255), info={"label": _l("摘要")})
    # JSON {field: [before, after]}
    changes: Mapped[str | None] = mapped_column(Text, info={"label": _l("变更内容")})
    prev_hash: Mapped[str] = mapped_column(
        String(64), nullable=False, info={"label": _l("前一条摘要")}
    )
    hash: Mapped[str] = mapped_column(String(64), nullable=False, info={"label": _l("本条摘要")})

    __labels__ = {"details": _l("变更内容"), "department_name": _l("所属部门")}

    @property
    def details(self) -> "AuditEntry":
        """The entry itself, so that the audit page's formatter reads its changes in words."""
        return self


class AuditHead(Model):
    """The single row that serialises writers of the chain: last sequence number and hash."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_hash: Mapped[str] = mapped_column(String(64), nullable=False)


class AuditCut(Model):
    """Where the online chain now starts: entries up to `seq` were archived to `file_name` and
    purged. Signed with the audit key (outside the database), so a forged cut is refused."""

    __tablename__ = "audit_cut"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, nullable=False, unique=True)  # last archived
    hash: Mapped[str] = mapped_column(String(64), nullable=False)  # its hash: the next prev_hash
    first_seq: Mapped[int] = mapped_column(Integer, nullable=False)
    chain: Mapped[str] = mapped_column(String(64), nullable=False)  # hash of entry 1
    archived_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    file_name: Mapped[str] = mapped_column(String(255), nullable=False)
    file_hmac: Mapped[str] = mapped_column(String(64), nullable=False)
    signature: Mapped[str] = mapped_column(String(64), nullable=False)
