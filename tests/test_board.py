"""The campaign board: scores, colours and overdue lists computed by hand on a small college,
reminders recorded in the department's task list and e-mailed through a real local SMTP server
(aiosmtpd), an unreachable server reported in Chinese, and the contact's department scope."""

import socket
from datetime import date

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func

from app.models import AuditEntry, InformationSystem, Reminder
from app.services.campaign import board, phases
from tests import factories as f


class Sink:
    """aiosmtpd handler that keeps every envelope it accepts."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(app, monkeypatch):
    """A real SMTP server on 127.0.0.1, and the app configured to use it."""
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    for key, value in {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": controller.port,
        "MAIL_FROM": "xxzx@example.edu.cn",
        "SMTP_STARTTLS": False,
        "SMTP_USER": "",
        "SMTP_TIMEOUT_SECONDS": 5,
    }.items():
        monkeypatch.setitem(app.config, key, value)
    yield sink
    controller.stop()


def notice_campaign(session, year=2026, **ends):
    """A campaign with the notice's four phases (end dates may be overridden per kind)."""
    camp = f.campaign(session, year=year)
    for position, (kind, start, end) in enumerate(phases.NOTICE_PHASES, 1):
        f.campaign_phase(
            session,
            camp,
            name=kind,
            position=position,
            start_date=date(year, *start),
            end_date=ends.get(kind, date(year, *end)),
        )
    for phase in camp.phases:
        phase.kind = phase.name
    session.flush()
    return camp


def small_college(session):
    """T01: one contact with both duties (approved); items: approved, submitted, and an
    incomplete draft; systems: one complete approved, one draft without a vendor.
    T02: one draft contact who only knows the processes; no item, no system."""
    f.complete_contact(session, dept="T01", name="甲老师", status="approved")
    f.complete_item(session, code="SI-A-1", dept="T01", status="approved")
    f.complete_item(session, code="SI-A-2", dept="T01", status="submitted")
    f.service_item(
        session,
        code="SI-A-3",
        dept="T01",
        name="缺路径的事项",
        conditions="无",
        consultation="电话",
        promised_limit="1个工作日",
        service_hours="全天",
        tips="无",
    )
    f.complete_system(session, code="SYS-A-1", dept="T01", status="approved")
    f.complete_system(session, code="SYS-A-2", dept="T01", name="缺厂商的系统")
    session.query(InformationSystem).filter_by(code="SYS-A-2").one().vendor = None
    f.contact(
        session,
        dept="T02",
        name="乙老师",
        post="干事",
        knows_processes=True,
        email="yi@example.edu.cn",
    )
    session.commit()


def audit_mark(session):
    """The audit trail's last sequence number (the trail is never emptied between tests)."""
    return session.query(func.max(AuditEntry.seq)).scalar() or 0


def remind_entries(session, mark):
    return (
        session.query(AuditEntry).filter(AuditEntry.action == "remind", AuditEntry.seq > mark).all()
    )


def rows_by_code(brd):
    return {row.department.code: row for row in brd.rows}


def test_scores_are_the_mean_of_the_five_rule_fractions(db_session):
    """T01: contacts 1, items 2/3, systems 1/2, submitted 4/6, approved 3/6 -> 67;
    T02: contacts 1/2 (one duty), items 0 (none), systems 1 (none needed), 0, 0 -> 30."""
    notice_campaign(db_session)
    small_college(db_session)
    rows = rows_by_code(board.build(db_session, date(2026, 7, 10)))
    a, b = rows["T01"], rows["T02"]
    assert {k: (r.done, r.total) for k, r in a.rules.items()} == {
        "contacts": (2, 2),
        "items": (2, 3),
        "systems": (1, 2),
        "submitted": (4, 6),
        "approved": (3, 6),
    }
    assert a.score == round(100 * (1 + 2 / 3 + 1 / 2 + 4 / 6 + 3 / 6) / 5) == 67
    assert [r.fraction for r in b.rules.values()] == [0.5, 0, 1, 0, 0]
    assert b.score == 30


def test_colours_follow_the_deadlines_of_the_current_phase(db_session):
    """Before 7-20 only the contacts rule is due: T01 green, T02 amber (one duty missing).
    On 8-01 T02's contacts are overdue (red), T01 owes the self-check (amber). On 9-15 T01's
    items, systems and submission are overdue (red)."""
    notice_campaign(db_session)
    small_college(db_session)
    july = board.build(db_session, date(2026, 7, 10))
    assert july.schedule.current.kind == "contacts"
    assert {c: r.state for c, r in rows_by_code(july).items() if c in ("T01", "T02")} == {
        "T01": "green",
        "T02": "amber",
    }
    august = rows_by_code(board.build(db_session, date(2026, 8, 1)))
    assert (august["T01"].state, august["T01"].overdue_rules) == ("amber", [])
    assert august["T01"].due_rules == ["items", "systems", "submitted"]
    assert (august["T02"].state, august["T02"].overdue_rules) == ("red", ["contacts"])
    september = board.build(db_session, date(2026, 9, 15))
    assert september.schedule.current.kind == "aggregation"
    assert rows_by_code(september)["T01"].overdue_rules == ["items", "systems", "submitted"]
    assert rows_by_code(september)["T01"].state == "red"


def test_the_deadline_day_itself_is_not_late(db_session):
    """A rule is overdue only after its deadline: on 7-20 T02 is amber, on 7-21 red."""
    notice_campaign(db_session)
    small_college(db_session)
    assert rows_by_code(board.build(db_session, date(2026, 7, 20)))["T02"].state == "amber"
    assert rows_by_code(board.build(db_session, date(2026, 7, 21)))["T02"].state == "red"


def test_a_department_with_everything_approved_is_green_with_100(db_session):
    """Both duties by two people, every record complete and approved -> 100, green even in the
    final phase when every deadline has passed."""
    notice_campaign(db_session)
    f.contact(
        db_session, dept="T01", name="丙", post="科长", knows_processes=True, status="approved"
    )
    f.contact(
        db_session,
        dept="T01",
        name="丁",
        post="工程师",
        administers_systems=True,
        status="approved",
    )
    f.complete_item(db_session, code="SI-OK-1", status="approved")
    f.complete_system(db_session, code="SYS-OK-1", status="approved")
    db_session.commit()
    row = rows_by_code(board.build(db_session, date(2026, 10, 15)))["T01"]
    assert (row.score, row.state, row.lacks) == (100, "green", [])


def test_phases_are_configurable_per_year_and_default_to_the_notice(db_session):
    """A 2027 campaign whose contacts phase ends 8-31 keeps T02 amber on 8-01; with no campaign
    at all the notice's dates apply (7-20 contacts, 9-10 self-check, 9-30 approval)."""
    small_college(db_session)
    default = board.build(db_session, date(2028, 8, 1))
    assert default.schedule.campaign is None
    assert default.schedule.deadlines == {
        "contacts": date(2028, 7, 20),
        "items": date(2028, 9, 10),
        "systems": date(2028, 9, 10),
        "submitted": date(2028, 9, 10),
        "approved": date(2028, 9, 30),
    }
    assert rows_by_code(default)["T02"].state == "red"
    notice_campaign(db_session, year=2027, contacts=date(2027, 8, 31))
    db_session.commit()
    custom = board.build(db_session, date(2027, 8, 1))
    assert custom.schedule.deadlines["contacts"] == date(2027, 8, 31)
    assert rows_by_code(custom)["T02"].state == "amber"


def test_what_a_department_lacks_comes_from_the_completeness_rules(db_session):
    """The lacks name the incomplete records with completeness.py's own words."""
    notice_campaign(db_session)
    small_college(db_session)
    rows = rows_by_code(board.build(db_session, date(2026, 8, 1)))
    lacks = dict(rows["T01"].lacks)
    assert "SI-A-3 缺路径的事项" in lacks["服务事项六大模块与流转环节完整"][0]
    assert "办理路径" in lacks["服务事项六大模块与流转环节完整"][0]
    assert "流程图（至少一个流转环节）" in lacks["服务事项六大模块与流转环节完整"][0]
    assert "缺厂商的系统（缺少：开发承建厂商）" in lacks["管理信息系统附件4字段完整"][0]
    assert lacks["全部提交审核"] == ["2 条记录尚未提交审核"]
    b = dict(rows["T02"].lacks)
    assert b["联系人覆盖两项职责"] == ["缺少担任管理系统实际管理员的联系人"]
    assert b["服务事项六大模块与流转环节完整"] == ["尚未填报服务事项"]
    assert "管理信息系统附件4字段完整" not in b


def test_board_page_lists_overdue_departments_with_what_they_lack(db_session, client_as):
    """The IT admin's board shows each department's colour and an overdue table naming T02
    and its missing system administrator."""
    notice_campaign(db_session)
    small_college(db_session)
    page = client_as("admin").get("/board/?date=2026-08-01")
    assert page.status_code == 200
    html = page.text
    assert 'data-department="T02"' in html and 'data-state="red"' in html
    overdue = html.split('class="table table-striped board-overdue"')[1]
    assert "测试学生处" in overdue and "缺少担任管理系统实际管理员的联系人" in overdue
    assert "测试教务处" not in overdue


def test_contact_sees_only_their_own_department_and_cannot_send_reminders(db_session, client_as):
    """A contact's board has their department's row only; the remind action is refused."""
    notice_campaign(db_session)
    small_college(db_session)
    client = client_as("contact")
    html = client.get("/board/?date=2026-08-01").text
    assert 'data-department="T01"' in html and 'data-department="T02"' not in html
    assert "测试学生处" not in html
    assert client.post("/board/remind", data={"date": "2026-08-01"}).status_code == 403
    assert db_session.query(Reminder).count() == 0


def test_reminders_land_in_the_task_list_and_by_mail(db_session, client_as, smtp_server):
    """The admin's reminder goes to the overdue department only: a Reminder row, an e-mail to
    its contact record's and contact user's addresses through the local SMTP server, the
    contact's home page, and the audit trail. An address with a line break (header injection)
    is left out."""
    notice_campaign(db_session)
    small_college(db_session)
    f.contact(
        db_session, dept="T02", name="坏地址", email="x@example.edu.cn\nBcc: evil@example.com"
    )
    db_session.commit()
    mark = audit_mark(db_session)
    response = client_as("admin").post(
        "/board/remind", data={"date": "2026-08-01"}, follow_redirects=True
    )
    assert "已向 1 个部门发送站内提醒。邮件已发送 1 封。" in response.text
    reminder = db_session.query(Reminder).one()
    assert reminder.department.code == "T02" and reminder.email_status == "sent"
    assert reminder.deadline == date(2026, 7, 20)
    assert "缺少担任管理系统实际管理员的联系人" in reminder.message
    [envelope] = smtp_server.envelopes
    assert envelope.mail_from == "xxzx@example.edu.cn"
    assert sorted(envelope.rcpt_tos) == ["t_contact2@example.edu.cn", "yi@example.edu.cn"]
    from email import message_from_bytes, policy

    mail = message_from_bytes(envelope.content, policy=policy.default)
    assert mail["Subject"] == "【服务治理】催办提醒：联系人报送"
    assert "缺少担任管理系统实际管理员的联系人" in mail.get_content()
    assert "缺少担任管理系统实际管理员的联系人" in client_as("contact_other").get("/").text
    assert "缺少担任管理系统实际管理员的联系人" not in client_as("contact").get("/").text
    [entry] = remind_entries(db_session, mark)
    assert (entry.record_type, entry.record_id, entry.username) == (
        "reminder",
        reminder.id,
        "t_admin",
    )
    assert '"email_status": [null, "sent"]' in entry.changes


def test_unreachable_smtp_server_is_reported_and_reminders_still_recorded(
    db_session, client_as, app, monkeypatch
):
    """Nothing listens on the SMTP port: a Chinese message says so, the reminder is kept and
    marked failed with the reason."""
    notice_campaign(db_session)
    small_college(db_session)
    mark = audit_mark(db_session)
    port = free_port()  # bound then released: nothing listens there now
    for key, value in {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": port,
        "MAIL_FROM": "xxzx@example.edu.cn",
        "SMTP_TIMEOUT_SECONDS": 3,
    }.items():
        monkeypatch.setitem(app.config, key, value)
    response = client_as("admin").post(
        "/board/remind", data={"date": "2026-08-01"}, follow_redirects=True
    )
    assert f"无法连接邮件服务器 127.0.0.1:{port}" in response.text
    assert "站内提醒已记录" in response.text
    reminder = db_session.query(Reminder).one()
    assert reminder.email_status == "failed"
    assert f"127.0.0.1:{port}" in reminder.email_error
    [entry] = remind_entries(db_session, mark)
    assert '"email_status": [null, "failed"]' in entry.changes


def test_reminders_to_chosen_departments_and_without_smtp(db_session, client_as):
    """Ticked departments are reminded even when not overdue; with no SMTP configured the
    reminders are recorded and the page says no e-mail was sent."""
    notice_campaign(db_session)
    small_college(db_session)
    t01 = f.department(db_session, "T01").id
    response = client_as("admin").post(
        "/board/remind",
        data={"date": "2026-08-01", "department_id": [str(t01)]},
        follow_redirects=True,
    )
    assert "未配置邮件服务器（SMTP_HOST），未发送邮件。" in response.text
    reminder = db_session.query(Reminder).one()
    assert reminder.department_id == t01 and reminder.email_status == "not_sent"
    assert reminder.deadline == date(2026, 9, 10)


def test_send_reminders_command_reminds_overdue_departments(db_session, runner, smtp_server):
    """`flask send-reminders --date` (for cron) reminds the overdue department and mails it."""
    notice_campaign(db_session)
    small_college(db_session)
    mark = audit_mark(db_session)
    result = runner.invoke(args=["send-reminders", "--date", "2026-08-01"])
    assert result.exit_code == 0, result.output
    assert "已向 1 个部门发送站内提醒。邮件已发送 1 封。" in result.output
    db_session.expire_all()
    [reminder] = db_session.query(Reminder).all()
    assert reminder.department.code == "T02"
    assert len(smtp_server.envelopes) == 1
    [entry] = remind_entries(db_session, mark)
    assert (entry.record_id, entry.username) == (reminder.id, "system")
    with_amber = runner.invoke(args=["send-reminders", "--date", "2026-08-01", "--include-amber"])
    assert "已向 2 个部门发送站内提醒" in with_amber.output
