"""Contact (联系人, attachment 1): who answers for a department in the campaign."""

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import DepartmentRecordMixin
from .validators import EmailAddress, Phone


class Contact(DepartmentRecordMixin, Model):
    """A department's contact; the notice wants both duties covered by one or two people."""

    __tablename__ = "contact"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), nullable=False, info={"label": _l("姓名")})
    staff_no: Mapped[str | None] = mapped_column(String(32), index=True, info={"label": _l("工号")})
    post: Mapped[str | None] = mapped_column(String(64), info={"label": _l("职务/岗位")})
    phone: Mapped[str] = mapped_column(
        String(32), nullable=False, info={"label": _l("联系电话"), "validators": (Phone(),)}
    )
    email: Mapped[str | None] = mapped_column(
        String(120), info={"label": _l("电子邮箱"), "validators": (EmailAddress(),)}
    )
    knows_processes: Mapped[bool] = mapped_column(
        Boolean,
        nullable=False,
        default=False,
        info={
            "label": _l("熟悉本部门业务流程"),
            "description": _l("联系人需熟悉本部门线上业务流程；无法兼任时可报送两名联系人。"),
        },
    )
    administers_systems: Mapped[bool] = mapped_column(
        Boolean,
        nullable=False,
        default=False,
        info={
            "label": _l("担任管理系统实际管理员"),
            "description": _l("联系人需担任本部门管理信息系统的实际管理员。"),
        },
    )

    def __str__(self):
        return self.name
