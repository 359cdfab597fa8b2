"""The IT office enters a year of the official calendar at once (批量录入), from the State
Council's notice: the days off on weekdays and the 调休 working weekends, one line each.

A line is a date or a range and a name: ``2027-10-01至2027-10-07 国庆节`` or
``2027-09-26 调休上班`` (a working day's name may be left out). The entry is all or nothing:
every line is checked first, and a wrong one refuses the whole entry with its line number.
It replaces the days of that year entered before; each row added or removed is audited like
any record, and who entered it is kept on the row.
"""

import re
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import CalendarDay
from app.models.choices import DAY_KIND
from app.models.user import Actor
from app.services.access import permissions
from app.services.errors import DomainError

_DATE = r"(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?"
_LINE = re.compile(rf"^{_DATE}(?:\s*(?:至|到|~|～|—)\s*{_DATE})?\s*[，,：:\s]\s*(.*)$|^{_DATE}$")
DEFAULT_NAMES = {DAY_KIND.WORKDAY: "调休上班", DAY_KIND.HOLIDAY: None}
MAX_RANGE = 31  # no official holiday is longer


def _date(parts) -> date:
    return date(int(parts[0]), int(parts[1]), int(parts[2]))


def parse_lines(text: str, kind: str, year: int) -> tuple[dict[date, str], list[str]]:
    """({date: name}, errors) of one box of lines (`kind`: DAY_KIND code)."""
    days: dict[date, str] = {}
    errors = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        match = _LINE.match(line)
        try:
            if match is None:
                raise ValueError
            groups = match.groups()
            if groups[7] is not None:  # a date alone
                first = last = _date(groups[7:10])
                name = ""
            else:
                first = _date(groups[0:3])
                last = _date(groups[3:6]) if groups[3] else first
                name = (groups[6] or "").strip()
        except ValueError:
            errors.append(
                _(
                    "第 {n} 行“{line}”：应写作“2027-10-01 国庆节”"
                    "或“2027-10-01至2027-10-07 国庆节”。"
                ).format(n=number, line=line)
            )
            continue
        name = name or DEFAULT_NAMES[kind]
        if not name:
            errors.append(_("第 {n} 行“{line}”：请写上节日名称。").format(n=number, line=line))
        elif first.year != year or last.year != year:
            errors.append(
                _("第 {n} 行“{line}”：不是 {year} 年的日期。").format(
                    n=number, line=line, year=year
                )
            )
        elif last < first or (last - first).days >= MAX_RANGE:
            errors.append(_("第 {n} 行“{line}”：日期范围不对。").format(n=number, line=line))
        else:
            day = first
            while day <= last:
                days[day] = name[:60]
                day += timedelta(days=1)
    return days, errors


def enter_year(
    session: Session, user: Actor, year: int, holidays: str, workdays: str
) -> list[CalendarDay]:
    """Replace the days of `year` the office entered with the lines given; returns the new
    rows. Refuses the whole entry (DomainError) when a line is wrong or a date is in both."""
    permissions.ensure(user, "manage_calendar")
    if not 2000 <= year <= 2100:
        raise DomainError(_("请填写正确的年份。"))
    off, off_errors = parse_lines(holidays, DAY_KIND.HOLIDAY, year)
    on, on_errors = parse_lines(workdays, DAY_KIND.WORKDAY, year)
    errors = [_("放假：") + e for e in off_errors] + [_("调休上班：") + e for e in on_errors]
    errors += [
        _("{day} 既写在放假中，又写在调休上班中。").format(day=day.isoformat())
        for day in sorted(off.keys() & on.keys())
    ]
    if not off and not on and not errors:
        errors.append(_("没有填写任何日期。"))
    if errors:
        raise DomainError(_("未录入，请修改后重试：") + "；".join(errors))
    before = session.scalars(
        select(CalendarDay).where(
            CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31)
        )
    )
    for row in before:
        session.delete(row)
    session.flush()
    rows = [
        CalendarDay(day=day, kind=kind, name=name)
        for kind, days in ((DAY_KIND.HOLIDAY, off), (DAY_KIND.WORKDAY, on))
        for day, name in sorted(days.items())
    ]
    session.add_all(rows)
    session.flush()
    return rows
