"""A reminder names the current phase and its deadline and exactly what is missing; a missed
deadline is said as missed, never as a date still to meet."""

from datetime import date

from app.models import Reminder
from tests.test_board import notice_campaign, small_college


def test_reminder_names_phase_deadline_and_what_is_missing(db_session, client_as):
    notice_campaign(db_session)
    small_college(db_session)
    db_session.commit()
    client_as("admin").post("/board/remind", data={"date": "2026-08-01"}, follow_redirects=True)
    message = db_session.query(Reminder).one().message
    assert "当前阶段为“" in message and "本阶段截止" in message
    assert "已逾期：" in message and "（应于 2026-07-20 前完成），请尽快补齐" in message
    assert "还缺：" in message and "缺少担任管理系统实际管理员的联系人" in message
    # No date already past is given as a deadline to meet.
    assert "请于 2026-07-20 前" not in message
    for line in message.splitlines():
        if "请于" in line:
            due = date.fromisoformat(line.split("请于 ")[1][:10])
            assert due >= date(2026, 8, 1), line
