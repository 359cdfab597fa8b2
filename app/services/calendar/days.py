"""Working days on China's official calendar (法定节假日 and 调休 working weekends).

A date is a working day when, in this order:

1. the IT office entered it (`CalendarDay`): its row says 上班 or 放假;
2. the `chinese-calendar` library knows its year (the State Council's notices up to the
   library's last release): the library says so (`is_workday`, which counts a 调休 Saturday);
3. otherwise it falls on Monday to Friday. Such a year is *unregistered* unless the office
   entered at least one of its days; `missing_years` names it, and the calendar page warns
   ("2028 年的法定节假日尚未登记").

`add_working_days` is the one due-date rule of the console: the inbox, the hall's to-do list,
the campaign board's SQL figures (`board_facts.overdue_since`) and a promised limit's due date
(`limit_due`) all count with it. Load the calendar once (`load(session)`) and pass it where many
dates are counted; without one, `add_working_days` reads the request's calendar.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TypeVar

import chinese_calendar
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import CalendarDay
from app.models.choices import DAY_KIND
from app.models.time_limit import DAY, HOUR, IMMEDIATE, WORKDAY, TimeLimit

D = TypeVar("D", bound=date)  # a date or a datetime comes back as it went in

# The years the installed library's data covers (2004-2026 for chinese-calendar 1.11.0).
LIBRARY_YEARS = frozenset(
    day.year for day in (*chinese_calendar.holidays, *chinese_calendar.workdays)
)


@dataclass(frozen=True)
class WorkCalendar:
    """The library's calendar with the IT office's days over it."""

    overrides: dict[date, bool] = field(default_factory=dict)  # {date: is a working day}

    @property
    def entered_years(self) -> frozenset[int]:
        return frozenset(day.year for day in self.overrides)

    def knows(self, year: int) -> bool:
        """Whether the official holidays of `year` are known (library or office)."""
        return year in LIBRARY_YEARS or year in self.entered_years

    def is_workday(self, day: date) -> bool:
        if isinstance(day, datetime):
            day = day.date()
        entered = self.overrides.get(day)
        if entered is not None:
            return entered
        if day.year in LIBRARY_YEARS:
            try:
                return chinese_calendar.is_workday(day)
            except NotImplementedError:  # a gap in the library's data: fall back below
                pass
        return day.weekday() < 5

    def missing_years(self, years: Iterable[int]) -> list[int]:
        """Those of `years` counted Monday to Friday because nobody knows their holidays."""
        return sorted({year for year in years if not self.knows(year)})


def load(session: Session) -> WorkCalendar:
    """The calendar with every day the IT office entered (one query)."""
    rows = session.execute(select(CalendarDay.day, CalendarDay.kind))
    return WorkCalendar({day: kind == DAY_KIND.WORKDAY for day, kind in rows})


def current() -> WorkCalendar:
    """The calendar of the request (loaded once per request), or freshly loaded outside one."""
    from flask import g, has_request_context

    from app.extensions import db

    if not has_request_context():
        return load(db.session)
    if "work_calendar" not in g:
        g.work_calendar = load(db.session)
    return g.work_calendar


def add_working_days(start: D, days: int, calendar: WorkCalendar | None = None) -> D:
    """`start` plus `days` working days of the official calendar (same time of day)."""
    calendar = calendar or current()
    current_day = start
    remaining = days
    while remaining > 0:
        current_day += timedelta(days=1)
        if calendar.is_workday(current_day):
            remaining -= 1
    return current_day


def working_days_between(start: date, end: date, calendar: WorkCalendar | None = None) -> int:
    """Working days after `start` up to and including `end` (0 when `end` is not later)."""
    calendar = calendar or current()
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += calendar.is_workday(day)
    return count


def limit_due(
    start: datetime, limit: TimeLimit, calendar: WorkCalendar | None = None
) -> datetime | None:
    """When a case begun at `start` must be done under `limit` (a 承诺件's promised limit or a
    node's limit): its upper bound in working days, calendar days or hours; `start` itself
    for 即办件; None when the words could not be read."""
    if limit.handling == IMMEDIATE:
        return start
    if not limit.understood or limit.high is None:
        return None
    if limit.unit == WORKDAY:
        return add_working_days(start, limit.high, calendar)
    if limit.unit == DAY:
        return start + timedelta(days=limit.high)
    if limit.unit == HOUR:
        return start + timedelta(hours=limit.high)
    return None
