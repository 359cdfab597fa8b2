"""The reference list of audiences (服务对象) that the IT office maintains under 基础设置.

Each row is one audience with a stable code (what items and systems store, joined by ","), the
label a guide uses, and its synonyms: other words guides write for it ("教工" for 教职工). A word
listed under several rows names them all ("在校学生" is 本科生 and 研究生). Inactive rows keep their
code readable in old records but are no longer offered. The built-in list in
`app.models.choices` (USER_GROUP) is the seed and the fallback while the table is empty.
"""

import re

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column
from wtforms.validators import Regexp

from .base import VersionedMixin

SYNONYM_SEPARATORS = re.compile(r"[、,，;；\s]+")


class AudienceGroup(VersionedMixin, Model):
    """One audience of the reference list, with the other words guides use for it."""

    __tablename__ = "audience_group"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(
        String(32),
        unique=True,
        nullable=False,
        info={
            "label": _l("编码"),
            "description": _l("英文小写字母，保存后不能修改：已填报的事项和系统按编码引用。"),
            "validators": (Regexp(r"^[a-z][a-z_]{1,31}$", message=_l("编码只能是英文小写字母。")),),
        },
    )
    label: Mapped[str] = mapped_column(
        String(60), unique=True, nullable=False, info={"label": _l("服务对象")}
    )
    synonyms: Mapped[str | None] = mapped_column(
        Text,
        info={
            "label": _l("同义词"),
            "description": _l(
                "指南中表示同一服务对象的其他写法，用“、”分隔；同一个词可写在多个服务对象下。"
            ),
        },
    )
    sort_order: Mapped[int] = mapped_column(
        Integer, nullable=False, default=0, info={"label": _l("排序")}
    )
    active: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=True, info={"label": _l("启用")}
    )

    def synonym_words(self) -> list[str]:
        return [word for word in SYNONYM_SEPARATORS.split(self.synonyms or "") if word]

    def __str__(self):
        return self.label
