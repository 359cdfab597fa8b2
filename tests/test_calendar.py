"""Working days on China's official calendar: the `chinese-calendar` library's holidays and 调休
working weekends, the days the IT office enters over it (and for the years it does not know),
and the Monday-to-Friday fallback that the calendar page warns about."""

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.models import AuditEntry, CalendarDay, HallStep
from app.models.time_limit import read_time_limit
from app.services.calendar import days, entry
from app.services.campaign import board_facts
from app.services.errors import DomainError, PermissionDeniedError
from tests import factories as f

NOTICE_2026 = json.loads((Path(__file__).parent / "data" / "holidays_2026.json").read_text())
BEYOND = max(days.LIBRARY_YEARS) + 1  # the first year the pinned library does not know


def test_a_promised_item_of_5_working_days_submitted_before_national_day_ends_after_it(
    db_session,
):
    """2025: National Day and Mid-Autumn Oct 1-8 off, Saturday Oct 11 worked: a 承诺件 of 5
    working days submitted on Sep 30 is due on Oct 14 (Oct 9, 10, 11, 13, 14), same hour."""
    item = f.service_item(db_session, promised_limit="5个工作日")
    limit = read_time_limit(item.promised_limit)
    calendar = days.load(db_session)
    submitted = datetime(2025, 9, 30, 16, 20)
    assert days.limit_due(submitted, limit, calendar) == datetime(2025, 10, 14, 16, 20)
    assert days.add_working_days(date(2025, 9, 30), 5) == date(2025, 10, 14)
    assert days.limit_due(submitted, read_time_limit("即办件"), calendar) == submitted
    assert days.limit_due(submitted, read_time_limit("3天"), calendar) == datetime(
        2025, 10, 3, 16, 20
    )


def test_a_tiaoxiu_weekend_counts_as_a_working_day():
    """Sunday 2025-09-28 and Saturday 2025-10-11 were worked (调休): one working day after
    Friday Sep 26 is that Sunday, one after Friday Oct 10 is that Saturday."""
    calendar = days.WorkCalendar()
    assert calendar.is_workday(date(2025, 9, 28)) and calendar.is_workday(date(2025, 10, 11))
    assert not calendar.is_workday(date(2025, 10, 8))  # a Wednesday off
    assert days.add_working_days(date(2025, 9, 26), 1, calendar) == date(2025, 9, 28)
    assert days.add_working_days(date(2025, 10, 10), 1, calendar) == date(2025, 10, 11)
    assert days.working_days_between(date(2025, 9, 30), date(2025, 10, 14), calendar) == 5


def test_a_day_the_it_office_enters_wins_over_the_library(db_session, client_as):
    """The office marks Thursday 2025-10-09 as a day off and Sunday 2025-10-12 as worked on
    the calendar page; the due date moves, and each row is audited with who entered it."""
    admin = client_as("admin")
    # The audit trail is not emptied between tests (it is a chain): count only this test's.
    before = db_session.scalar(select(func.max(AuditEntry.id))) or 0
    for day, kind, name in (
        ("2025-10-09", "holiday", "国庆节"),
        ("2025-10-12", "workday", "调休上班"),
    ):
        response = admin.post(
            "/calendardayview/add",
            data={"day": day, "kind": kind, "name": name},
            follow_redirects=True,
        )
        assert response.status_code == 200
    rows = db_session.scalars(select(CalendarDay).order_by(CalendarDay.day)).all()
    assert [(r.day, r.is_workday, r.created_by.username) for r in rows] == [
        (date(2025, 10, 9), False, "t_admin"),
        (date(2025, 10, 12), True, "t_admin"),
    ]
    calendar = days.load(db_session)
    assert not calendar.is_workday(date(2025, 10, 9)) and calendar.is_workday(date(2025, 10, 12))
    # Oct 10, 11, 12, 13, 14 instead of Oct 9, 10, 11, 13, 14.
    assert days.add_working_days(date(2025, 9, 30), 5, calendar) == date(2025, 10, 14)
    assert days.add_working_days(date(2025, 9, 30), 4, calendar) == date(2025, 10, 13)
    assert days.add_working_days(date(2025, 9, 30), 3, calendar) == date(2025, 10, 12)
    library = days.WorkCalendar()
    assert days.add_working_days(date(2025, 9, 30), 3, library) == date(2025, 10, 11)
    audited = db_session.scalars(
        select(AuditEntry.record_id).where(
            AuditEntry.record_type == "calendar_day", AuditEntry.id > before
        )
    ).all()
    assert sorted(audited) == [r.id for r in rows]
    page = admin.get("/calendardayview/list/")
    assert "国庆节" in page.text and "调休上班" in page.text
    for role in ("contact", "reviewer"):
        refused = client_as(role).post(
            "/calendardayview/add", data={"day": "2025-10-10", "kind": "holiday", "name": "x"}
        )
        assert refused.status_code in (302, 403)
    assert db_session.scalars(select(CalendarDay).filter_by(name="x")).first() is None


def test_a_year_beyond_the_library_falls_back_to_weekdays_and_the_page_warns(db_session, client_as):
    """Nobody knows the holidays of the year after the library's last: its dates count Monday
    to Friday, the calendar page says so, and a bulk entry of that year ends the warning and
    moves the due dates."""
    calendar = days.load(db_session)
    assert calendar.missing_years([BEYOND - 1, BEYOND]) == [BEYOND]
    new_year = date(BEYOND, 1, 1)
    start = new_year - timedelta(days=3)
    fallback = days.add_working_days(start, 5, calendar)
    assert (
        all(days.add_working_days(start, n, calendar).weekday() < 5 for n in range(1, 6))
        and new_year <= fallback
    )
    warning = f"{BEYOND} 年的法定节假日尚未登记"
    assert any(warning in w for w in _warnings(date(BEYOND - 1, 12, 1)))
    admin = client_as("admin")
    page = admin.get("/calendardayview/list/").text
    if date.today().year + 1 == BEYOND:
        assert warning in page
    assert "批量录入一年的放假和调休上班日期" in page
    lines = f"{BEYOND}-01-01 元旦\n{BEYOND}-10-01至{BEYOND}-10-07 国庆节"
    response = admin.post(
        "/calendardayview/enter",
        data={"year": str(BEYOND), "holidays": lines, "workdays": f"{BEYOND}-09-26"},
        follow_redirects=True,
    )
    assert f"已录入 {BEYOND} 年的 9 个日期" in response.text
    assert not _warnings(date(BEYOND - 1, 12, 1))
    calendar = days.load(db_session)
    assert not calendar.is_workday(new_year)
    if new_year.weekday() < 5:
        assert days.add_working_days(start, 5, calendar) > fallback


def _warnings(today):
    from app.views.calendar_day import unregistered_warnings

    return unregistered_warnings(today)


def test_the_bulk_entry_of_the_2026_notice_agrees_with_the_library(db_session):
    """The State Council's 2026 notice written as the office's lines: every day it names off
    is off in the library, every 调休 day worked, and the rest of 2026 is Monday to Friday."""
    admin = f.user(db_session, "admin")
    rows = entry.enter_year(
        db_session, admin, 2026, NOTICE_2026["holidays"], NOTICE_2026["workdays"]
    )
    entered = {r.day: r.is_workday for r in rows}
    assert len(entered) == 3 + 9 + 3 + 5 + 3 + 3 + 7 + 6
    library = days.WorkCalendar()
    day = date(2026, 1, 1)
    while day.year == 2026:
        assert library.is_workday(day) == entered.get(day, day.weekday() < 5), day
        day += timedelta(days=1)
    assert {r.name for r in rows if not r.is_workday} >= {"国庆节", "春节"}
    assert {r.name for r in rows if r.is_workday} == {"调休上班"}


def test_a_wrong_line_refuses_the_whole_entry_and_only_the_it_office_enters(db_session):
    admin = f.user(db_session, "admin")
    entry.enter_year(db_session, admin, 2027, "2027-01-01 元旦", "")
    with pytest.raises(DomainError) as refused:
        entry.enter_year(db_session, admin, 2027, "2027-10-01至2027-10-07 国庆节\n十月一日", "")
    assert "第 2 行" in str(refused.value)
    with pytest.raises(DomainError) as refused:
        entry.enter_year(db_session, admin, 2027, "2028-01-01 元旦", "2027-01-01")
    assert "不是 2027 年的日期" in str(refused.value)
    with pytest.raises(DomainError, match="既写在放假中"):
        entry.enter_year(db_session, admin, 2027, "2027-05-01 劳动节", "2027-05-01")
    assert [r.day for r in db_session.scalars(select(CalendarDay))] == [date(2027, 1, 1)]
    with pytest.raises(PermissionDeniedError):
        entry.enter_year(db_session, f.user(db_session, "contact"), 2027, "2027-01-01 元旦", "")


def _waiting(session, code, now, waited):
    item = f.service_item(session, code=code, lifecycle="acceptance")
    session.add(HallStep(item_id=item.id, action="deliver", actor_name="测试", at=now - waited))


@pytest.mark.parametrize(
    "now",
    [datetime(2025, 10, 9, 9, 30), datetime(2025, 10, 13, 23, 0), datetime(2026, 2, 25, 8, 0)],
)
def test_the_boards_sql_figure_equals_the_python_rule_across_a_holiday(db_session, now):
    """Waits begun every 5 hours over five weeks, seen just after National Day 2025, on the
    Monday after its 调休 Saturday, and after the 2026 Spring Festival, with a day the office
    entered: the grouped SQL counts exactly the rows add_working_days(since, 5) < now."""
    db_session.add(CalendarDay(day=date(2025, 10, 10), kind="holiday", name="测试"))
    waits = [timedelta(hours=5 * i) for i in range(170)]
    for i, waited in enumerate(waits):
        _waiting(db_session, f"SI-C-{i:03d}", now, waited)
    db_session.flush()
    calendar = days.load(db_session)
    expected = sum(days.add_working_days(now - w, 5, calendar) < now for w in waits)
    weekdays_only = sum(_monday_to_friday(now - w, 5) < now for w in waits)
    assert 0 < expected < len(waits) and expected != weekdays_only
    found = board_facts.hall_progress(db_session, None, now, 5)
    assert found[f.department(db_session).id]["acceptance_overdue"] == expected


def _monday_to_friday(start, n):
    while n:
        start += timedelta(days=1)
        n -= start.weekday() < 5
    return start
