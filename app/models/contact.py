"""Contact (联系人, attachment 1): who answers for a department in the campaign."""

from flask_appbuilder import Model
from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import DepartmentRecordMixin


class Contact(DepartmentRecordMixin, Model):
    """A department's contact; the notice wants both duties covered by one or two people."""

    __tablename__ = "contact"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), nullable=False)
    staff_no: Mapped[str | None] = mapped_column(String(32), index=True)
    post: Mapped[str | None] = mapped_column(String(64))
    phone: Mapped[str] = mapped_column(String(32), nullable=False)
    email: Mapped[str | None] = mapped_column(String(120))
    # 熟悉本部门业务流程
    knows_processes: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # 担任管理系统实际管理员
    administers_systems: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    def __str__(self):
        return self.name
