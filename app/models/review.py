"""Review decisions and approved versions (审核记录与版本).

Approving a record freezes a numbered `RecordVersion`: a snapshot of the record with its
materials and nodes, which the lists and the public read until a newer version is approved.
Every approval or return is a `ReviewDecision` signed by the reviewer (measures art. 13).
"""

from datetime import datetime

from flask_appbuilder import Model
from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import utcnow


class ReviewDecision(Model):
    """An approval or a return, with the reviewer's electronic signature."""

    __tablename__ = "review_decision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_type: Mapped[str] = mapped_column(String(40), nullable=False)
    record_id: Mapped[int] = mapped_column(Integer, nullable=False)
    department_id: Mapped[int] = mapped_column(
        ForeignKey("department.id"), nullable=False, index=True
    )
    decision: Mapped[str] = mapped_column(String(16), nullable=False)
    comment: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    signer_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), nullable=False)
    signer_name: Mapped[str] = mapped_column(String(128), nullable=False)
    signed_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    snapshot_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    signature_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    as_admin: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    version_no: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (
        UniqueConstraint("record_type", "record_id", "version_no", name="uq_decision_version"),
        # A record's decisions, and the dashboard's approval times read from the index alone.
        Index("ix_review_decision_record", "record_type", "record_id", "submitted_at", "signed_at"),
    )

    @property
    def hours_to_decision(self):
        if not self.submitted_at:
            return None
        return round((self.signed_at - self.submitted_at).total_seconds() / 3600, 1)


class RecordVersion(Model):
    """A frozen, numbered, approved state of a record (with its children)."""

    __tablename__ = "record_version"
    __table_args__ = (
        UniqueConstraint("record_type", "record_id", "number", name="uq_record_version"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_type: Mapped[str] = mapped_column(String(40), nullable=False, index=True)
    record_id: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    department_id: Mapped[int] = mapped_column(
        ForeignKey("department.id"), nullable=False, index=True
    )
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    snapshot: Mapped[str] = mapped_column(Text, nullable=False)  # canonical JSON
    snapshot_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    approved_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    decision_id: Mapped[int] = mapped_column(ForeignKey("review_decision.id"), nullable=False)
    decision = relationship("ReviewDecision", lazy="joined")
    # False once the record is offline: it no longer appears in the published lists.
    is_current: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True, index=True)
