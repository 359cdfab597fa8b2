"""Columns shared by the console's records.

`VersionedMixin` gives created/updated at and a version counter used for optimistic locking;
`TrackedMixin` adds created/updated by (the department table has no user columns, as users point
at departments and a cycle of foreign keys would complicate every migration);
`DepartmentRecordMixin` adds what a record written by a department carries: its department and
its workflow status. Times are stored as naive UTC.
"""

from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from .choices import WORKFLOW_STATUS


def utcnow() -> datetime:
    """Current UTC time without tzinfo (SQLite keeps no zone; all stored times are UTC)."""
    return datetime.now(UTC).replace(tzinfo=None)


def current_user_id():
    """Id of the logged-in user inside a request, else None (CLI, seed, tests without login)."""
    try:
        from flask import has_request_context
        from flask_login import current_user

        if has_request_context() and current_user and current_user.is_authenticated:
            return current_user.id
    except Exception:
        return None
    return None


class VersionedMixin:
    """When the row was created and changed, and a version counter for optimistic locks."""

    created_at: Mapped[datetime] = mapped_column(
        DateTime, default=utcnow, nullable=False, info={"label": _l("创建时间")}
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, default=utcnow, onupdate=utcnow, nullable=False, info={"label": _l("更新时间")}
    )
    version: Mapped[int] = mapped_column(
        Integer, nullable=False, default=1, info={"label": _l("版本")}
    )

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.version}


class TrackedMixin(VersionedMixin):
    """Also who created and who last changed the row."""

    @declared_attr
    def created_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("ab_user.id"), default=current_user_id, nullable=True)

    @declared_attr
    def updated_by_id(cls) -> Mapped[int | None]:
        return mapped_column(
            ForeignKey("ab_user.id"),
            default=current_user_id,
            onupdate=current_user_id,
            nullable=True,
        )

    @declared_attr
    def created_by(cls):
        return relationship(
            "ConsoleUser",
            foreign_keys=[cls.created_by_id],
            lazy="select",
            info={"label": _l("创建人")},
        )

    @declared_attr
    def updated_by(cls):
        return relationship(
            "ConsoleUser",
            foreign_keys=[cls.updated_by_id],
            lazy="select",
            info={"label": _l("更新人")},
        )


class DepartmentRecordMixin(TrackedMixin):
    """A record a department writes: its department and its workflow status.

    The workflow columns are written only by `app.services.review.workflow`, never by a form.
    """

    status: Mapped[str] = mapped_column(
        String(16),
        nullable=False,
        default="draft",
        index=True,
        info={"label": _l("审核状态"), "choices": WORKFLOW_STATUS},
    )
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime, info={"label": _l("提交时间")})
    decided_at: Mapped[datetime | None] = mapped_column(DateTime, info={"label": _l("审核时间")})
    review_comment: Mapped[str | None] = mapped_column(  # the reviewer's return comment
        Text, info={"label": _l("退回意见")}
    )
    approved_version_no: Mapped[int | None] = mapped_column(  # current approved version
        Integer, info={"label": _l("通过版本")}
    )

    @declared_attr
    def submitted_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("ab_user.id"), nullable=True)

    @declared_attr
    def submitted_by(cls):
        return relationship(
            "ConsoleUser",
            foreign_keys=[cls.submitted_by_id],
            lazy="select",
            info={"label": _l("提交人")},
        )

    @declared_attr
    def decided_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("ab_user.id"), nullable=True)

    @declared_attr
    def decided_by(cls):
        return relationship(
            "ConsoleUser",
            foreign_keys=[cls.decided_by_id],
            lazy="select",
            info={"label": _l("审核人")},
        )

    @declared_attr
    def department_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("department.id"), nullable=False, index=True)

    @declared_attr
    def department(cls):
        # joined: every list shows the department, and it must not cost a query per row.
        return relationship(
            "Department", lazy="joined", innerjoin="unnested", info={"label": _l("所属部门")}
        )
