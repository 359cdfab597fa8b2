"""Reminders (催办) to departments that are late on the campaign board.

`send_reminders` writes one `Reminder` per department (it shows in the department contacts'
task list on their home page), then, when SMTP is configured, e-mails it to the department's
contacts (the e-mail addresses of its contact records and of its users with the contact role).
An SMTP server that cannot be reached leaves the reminders recorded, marked "failed" with the
reason, and the result carries a message in Chinese. Every reminder is in the audit trail.
The commit is left to the caller.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from flask_appbuilder.security.sqla.models import Role, assoc_user_role
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import ConsoleUser, Contact, Reminder
from app.models.choices import BOARD_STATE, PHASE_KIND
from app.services.access import permissions
from app.services.campaign import board, phases
from app.services.trail import audit, mailer

EMAIL_STATUS_LABELS = {"sent": _l("已发送"), "failed": _l("发送失败"), "not_sent": _l("未发送")}


@dataclass
class ReminderResult:
    """What a round of reminders did."""

    reminders: list = field(default_factory=list)
    sent: int = 0
    failed: int = 0
    smtp_configured: bool = False
    error: str | None = None  # the SMTP server could not be reached

    def summary(self) -> str:
        text = _("已向 {count} 个部门发送站内提醒。").format(count=len(self.reminders))
        if not self.smtp_configured:
            return text + _("未配置邮件服务器（SMTP_HOST），未发送邮件。")
        if self.error:
            return text + _("邮件未发出：{error}站内提醒已记录。").format(error=self.error)
        text += _("邮件已发送 {sent} 封。").format(sent=self.sent)
        if self.failed:
            text += _("{failed} 封未发出（原因见提醒记录）。").format(failed=self.failed)
        return text


ADDRESS = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+$")


def recipients_by_department(
    session: Session, department_ids: Sequence[int]
) -> dict[int, list[str]]:
    """{department id: sorted e-mail addresses} of contact records and contact-role users
    (anything that is not a plain address, e.g. with a line break, is left out)."""
    result = {dept: set() for dept in department_ids}
    for dept, email in session.execute(
        select(Contact.department_id, Contact.email).where(
            Contact.department_id.in_(department_ids), Contact.email.isnot(None)
        )
    ):
        if ADDRESS.match(email.strip()):
            result[dept].add(email.strip())
    users = (
        select(ConsoleUser.department_id, ConsoleUser.email)
        .join(assoc_user_role, assoc_user_role.c.user_id == ConsoleUser.id)
        .join(Role, Role.id == assoc_user_role.c.role_id)
        .where(
            Role.name.in_(sorted(permissions.holders("receive_reminders"))),
            ConsoleUser.active.is_(True),
            ConsoleUser.department_id.in_(department_ids),
        )
    )
    for dept, email in session.execute(users):
        if email and ADDRESS.match(email.strip()):
            result[dept].add(email.strip())
    return {dept: sorted(addresses) for dept, addresses in result.items()}


def reminder_text(
    row: board.BoardRow, sched: phases.Schedule, today: date | None = None
) -> tuple[str, date]:
    """The reminder for one board row: the current phase and its deadline, what is overdue
    (with the date it was due, said as missed, never as a date still to meet) and exactly what
    is missing. Returns the text and the earliest deadline it concerns (kept on the Reminder)."""
    today = today or sched.current.start_date
    current = sched.current
    rules = row.overdue_rules or row.due_rules
    deadline = min(sched.deadlines[r] for r in rules) if rules else current.end_date
    lines = [
        _(
            "{department}：当前阶段为“{phase}”（{start} 至 {end}），"
            "本阶段截止 {end}，当前完成度 {score} 分。"
        ).format(
            department=row.department.name,
            phase=current.name,
            start=current.start_date.isoformat(),
            end=current.end_date.isoformat(),
            score=row.score,
        )
    ]
    lines.extend(
        _("已逾期：{rule}（应于 {deadline} 前完成），请尽快补齐。").format(
            rule=board.RULE_LABELS[rule], deadline=sched.deadlines[rule].isoformat()
        )
        for rule in row.overdue_rules
    )
    lines.extend(
        _("即将到期：{rule}，请于 {deadline} 前完成。").format(
            rule=board.RULE_LABELS[rule], deadline=sched.deadlines[rule].isoformat()
        )
        for rule in row.due_rules
        if rule not in row.overdue_rules and sched.deadlines[rule] >= today
    )
    lines.extend(
        _("{rule}还缺：{lacks}").format(rule=label, lacks="；".join(lacks))
        for label, lacks in row.lacks
    )
    return "\n".join(lines), deadline


def lagging_rows(brd: board.Board, include_amber: bool = False) -> list[board.BoardRow]:
    """The rows a round of reminders goes to: overdue ones (and amber ones when asked)."""
    states = (BOARD_STATE.RED, BOARD_STATE.AMBER) if include_amber else (BOARD_STATE.RED,)
    return [row for row in brd.rows if row.state in states]


def send_reminders(
    session: Session,
    brd: board.Board,
    rows: Sequence[board.BoardRow],
    sender: ConsoleUser | None = None,
) -> ReminderResult:
    """Record a reminder for each row's department and e-mail it when SMTP is configured."""
    config = current_app.config
    result = ReminderResult(smtp_configured=mailer.configured(config))
    if not rows:
        return result
    sched = brd.schedule
    addresses = recipients_by_department(session, [row.department.id for row in rows])
    for row in rows:
        text, deadline = reminder_text(row, sched, brd.today)
        phase_kind = phases.RULE_PHASE[(row.overdue_rules or row.due_rules or ["contacts"])[0]]
        reminder = Reminder(
            department_id=row.department.id,
            campaign_id=sched.campaign.id if sched.campaign else None,
            phase_kind=phase_kind,
            deadline=deadline,
            message=text,
            recipients=", ".join(addresses[row.department.id]) or None,
            created_by_id=getattr(sender, "id", None),
        )
        session.add(reminder)
        result.reminders.append(reminder)
    session.flush()
    if result.smtp_configured:
        _email(config, result, addresses)
    for reminder in result.reminders:
        audit.record_event(
            session,
            "remind",
            reminder,
            summary=_("催办 {department}").format(department=reminder.department.name),
            changes={
                "message": [None, reminder.message],
                "recipients": [None, reminder.recipients],
                "email_status": [None, reminder.email_status],
                "email_error": [None, reminder.email_error],
            },
        )
    session.flush()
    return result


def _email(config, result, addresses):
    subject_phase = {r.id: PHASE_KIND.label(r.phase_kind) for r in result.reminders}
    outgoing = [r for r in result.reminders if r.recipients]
    for reminder in result.reminders:
        if not reminder.recipients:
            reminder.email_error = _("该部门的联系人没有登记电子邮箱。")
    if not outgoing:
        return
    messages = [
        mailer.message(
            config,
            addresses[r.department_id],
            _("【服务治理】催办提醒：{phase}").format(phase=subject_phase[r.id]),
            r.message,
        )
        for r in outgoing
    ]
    try:
        outcomes = mailer.send(config, messages)
    except mailer.MailServerError as error:
        result.error = str(error)
        for reminder in outgoing:
            reminder.email_status, reminder.email_error = "failed", str(error)
        result.failed = len(outgoing)
        return
    for reminder, outcome in zip(outgoing, outcomes, strict=True):
        if outcome is None:
            reminder.email_status = "sent"
            result.sent += 1
        else:
            reminder.email_status, reminder.email_error = "failed", outcome
            result.failed += 1


def for_department(session: Session, department_id: int, limit: int = 10) -> list[Reminder]:
    """The latest reminders of a department (its contacts' task list)."""
    return list(
        session.scalars(
            select(Reminder)
            .where(Reminder.department_id == department_id)
            .order_by(Reminder.created_at.desc(), Reminder.id.desc())
            .limit(limit)
        )
    )
