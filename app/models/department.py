"""Department (单位/部门): the unit that owns contacts, service items and systems."""

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import VersionedMixin
from .choices import DEPARTMENT_KIND
from .validators import Phone


class Department(VersionedMixin, Model):
    """A functional office, a school (二级学院) or a directly affiliated unit."""

    __tablename__ = "department"
    __table_args__ = (
        CheckConstraint("kind IN ('functional', 'school', 'unit')", name="ck_department_kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(
        String(32), unique=True, nullable=False, info={"label": _l("部门代码")}
    )
    name: Mapped[str] = mapped_column(
        String(100), unique=True, nullable=False, info={"label": _l("部门名称")}
    )
    kind: Mapped[str] = mapped_column(
        String(16),
        nullable=False,
        default="functional",
        info={"label": _l("部门类型"), "choices": DEPARTMENT_KIND},
    )
    leader_in_charge: Mapped[str | None] = mapped_column(
        String(64), info={"label": _l("分管校领导")}
    )
    phone: Mapped[str | None] = mapped_column(
        String(64), info={"label": _l("办公电话"), "validators": (Phone(),)}
    )
    sort_order: Mapped[int] = mapped_column(
        Integer, nullable=False, default=0, info={"label": _l("排序")}
    )

    def __str__(self):
        return self.name
