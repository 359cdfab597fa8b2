"""The official calendar's days that the IT office enters itself (法定节假日与调休上班).

Working days are counted on China's official calendar: the `chinese-calendar` library knows
the State Council's notices up to its last release; a row here overrides it for one date, and
covers a year the library does not know yet (the office enters that year's holidays on
weekdays and its 调休 working weekends; every other date of the year is Monday to Friday).
`app.services.calendar.days` reads both. Who entered a row is its `created_by`.
"""

from datetime import date

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import TrackedMixin
from .choices import DAY_KIND


class CalendarDay(TrackedMixin, Model):
    """One date of the official calendar: a working day or a day off, and why."""

    __tablename__ = "calendar_day"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True, nullable=False, info={"label": _l("日期")})
    kind: Mapped[str] = mapped_column(
        String(16),
        nullable=False,
        info={
            "label": _l("上班或放假"),
            "choices": DAY_KIND,
            "description": _l("调休的周末选“上班”，工作日放假选“放假”。"),
        },
    )
    name: Mapped[str] = mapped_column(
        String(60),
        nullable=False,
        info={"label": _l("名称"), "description": _l("如“国庆节”“调休上班”。")},
    )

    @property
    def is_workday(self) -> bool:
        return self.kind == DAY_KIND.WORKDAY

    def __str__(self):
        return f"{self.day.isoformat()} {self.name}"
