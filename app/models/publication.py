"""Publications of the three lists (清单发布), public comments (公示意见) and print codes.

A `Publication` freezes, at the moment the reviewer signs it, the public part of every current
approved service item as `PublicationItem` rows; the three lists, their XLSX files and the public
pages are derived from those rows only, so a publication reads the same forever. A
`PublicComment` is left by anyone during the publicity window (公示期), answered by the
reviewer, and may be hidden by the office (the public page then says so). A `PrintCode` is the
verification code printed on a signed sheet or approval record; only its SHA-256 is kept. A
`FinalReview` is the 校长办公会's review of the finished lists and the rectification ledger.
"""

from datetime import date, datetime

from flask_appbuilder import Model
from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from .base import utcnow


class Publication(Model):
    """A numbered, signed publication of the responsibility, service and approval lists."""

    __tablename__ = "publication"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[int] = mapped_column(Integer, nullable=False, unique=True)
    published_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    signer_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), nullable=False)
    signer_name: Mapped[str] = mapped_column(String(128), nullable=False)
    signature_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    content_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    item_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    publicity_start: Mapped[date | None] = mapped_column(Date)
    publicity_end: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    changes: Mapped[str] = mapped_column(Text, nullable=False, default="{}")  # JSON diff

    def __str__(self):
        return f"#{self.number}"


class PublicationItem(Model):
    """The public sheet of one service item as published (canonical JSON in `data`)."""

    __tablename__ = "publication_item"
    __table_args__ = (UniqueConstraint("publication_id", "code", name="uq_publication_item_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    publication_id: Mapped[int] = mapped_column(
        ForeignKey("publication.id", ondelete="CASCADE"), nullable=False, index=True
    )
    code: Mapped[str] = mapped_column(String(32), nullable=False)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    department_id: Mapped[int | None] = mapped_column(Integer)
    department_name: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    kind: Mapped[str] = mapped_column(String(16), nullable=False, default="service")
    user_groups: Mapped[str | None] = mapped_column(String(255))
    materials_text: Mapped[str | None] = mapped_column(Text)  # material names, for search
    data: Mapped[str] = mapped_column(Text, nullable=False)
    data_hash: Mapped[str] = mapped_column(String(64), nullable=False)


class PublicationSearch(Model):
    """The narrow, normalised copy of one published item that the public search reads.

    `body` is the item's name, department and material names, lower-cased and joined by
    SEARCH_SEPARATOR (a control character no search term keeps), written with the item by
    `publication.publish`. SQLite indexes it with an FTS5 trigram table kept in step by
    triggers; PostgreSQL with a pg_trgm GIN index (both in migration 0011_perf, named in
    `UNMODELLED_SEARCH_OBJECTS`: they are not expressible as models).
    """

    __tablename__ = "publication_search"
    __table_args__ = (
        Index("ix_publication_search_order", "publication_id", "department_name", "code"),
    )

    id: Mapped[int] = mapped_column(
        ForeignKey("publication_item.id", ondelete="CASCADE"), primary_key=True
    )
    publication_id: Mapped[int] = mapped_column(
        ForeignKey("publication.id", ondelete="CASCADE"), nullable=False
    )
    department_id: Mapped[int | None] = mapped_column(Integer)
    department_name: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    code: Mapped[str] = mapped_column(String(32), nullable=False)
    user_groups: Mapped[str | None] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text, nullable=False)


SEARCH_SEPARATOR = "\x1f"
# Database objects of the search that no model describes (FTS5 table and its shadow tables on
# SQLite, the trigram index on PostgreSQL): migrations' comparison with the models skips them.
UNMODELLED_SEARCH_OBJECTS = ("publication_search_fts", "ix_publication_search_trgm")


def is_unmodelled(name: str | None) -> bool:
    return bool(name) and name.startswith(UNMODELLED_SEARCH_OBJECTS)


class PublicComment(Model):
    """A comment from the public on a published list or item, with the reviewer's reply."""

    __tablename__ = "public_comment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    publication_id: Mapped[int] = mapped_column(
        ForeignKey("publication.id"), nullable=False, index=True
    )
    publication = relationship("Publication", lazy="joined")
    item_code: Mapped[str | None] = mapped_column(String(32), index=True)
    list_kind: Mapped[str | None] = mapped_column(String(16))
    body: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    reply: Mapped[str | None] = mapped_column(Text)
    replied_at: Mapped[datetime | None] = mapped_column(DateTime)
    replied_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    task_id: Mapped[int | None] = mapped_column(
        ForeignKey("rectification_task.id", ondelete="SET NULL")
    )
    # Hidden by the office (with a reason): the public page shows that a comment was hidden and
    # when, not its text. Unhiding clears the three; both moves are in the audit log.
    hidden_at: Mapped[datetime | None] = mapped_column(DateTime)
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    hidden_reason: Mapped[str | None] = mapped_column(Text)

    @property
    def is_hidden(self):
        return self.hidden_at is not None


class PrintCode(Model):
    """A verification code printed on a signed sheet or approval record (hash only)."""

    __tablename__ = "print_code"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)  # sheet | decision
    decision_id: Mapped[int] = mapped_column(
        ForeignKey("review_decision.id"), nullable=False, index=True
    )
    decision = relationship("ReviewDecision", lazy="joined")
    record_type: Mapped[str] = mapped_column(String(40), nullable=False)
    record_id: Mapped[int] = mapped_column(Integer, nullable=False)
    version_no: Mapped[int | None] = mapped_column(Integer)
    printed_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    printed_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))


class FinalReview(Model):
    """The finished three lists (one publication) and the rectification ledger, submitted
    together by the IT office for the 校长办公会, and the meeting's decision as the party &
    administration office records it: date, minute number, attachment. An approved review makes
    its publication the 定稿 version, the standing standard; later publications are revisions.
    """

    __tablename__ = "final_review"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    publication_id: Mapped[int] = mapped_column(
        ForeignKey("publication.id"), nullable=False, index=True
    )
    publication = relationship("Publication", lazy="joined")
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="submitted")
    ledger_total: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    ledger_open: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    ledger: Mapped[str] = mapped_column(Text, nullable=False, default="[]")  # JSON, as submitted
    ledger_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    note: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    submitted_by_name: Mapped[str] = mapped_column(String(128), nullable=False)
    meeting_date: Mapped[date | None] = mapped_column(Date)
    minute_no: Mapped[str | None] = mapped_column(String(64))
    decision_comment: Mapped[str | None] = mapped_column(Text)
    attachment_name: Mapped[str | None] = mapped_column(String(255))
    attachment_type: Mapped[str | None] = mapped_column(String(100))
    attachment: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    recorded_by_name: Mapped[str | None] = mapped_column(String(128))

    def __str__(self):
        return f"#{self.publication.number if self.publication else self.publication_id}"
