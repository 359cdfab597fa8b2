"""Named handlers of process nodes (办理人备案, measures art. 4(3)②, 6, 18).

A unit's process administrator proposes, for a node the unit handles, a person chosen from the
directory who is 在编在岗 (LDAP_STAFF_FIELD / LDAP_STAFF_VALUES); the party & administration
office approves or returns it with its e-signature; the security administrator files it, which
requires a passed, unexpired training assessment and grants the handler role. The history is
kept: a handler who leaves (`end`, from `sync_directory`) stays on record as 已离岗, and the
node has no active handler until a new one is filed, which blocks going live and changes.
Nothing here commits.
"""

from dataclasses import dataclass

from flask import current_app
from flask_appbuilder.const import AUTH_LDAP
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import ConsoleUser, Department, HandlerAssignment, ProcessNode
from app.models.base import utcnow
from app.services.access import permissions, scope
from app.services.access.training import valid_training
from app.services.errors import DomainError, InvalidTransitionError
from app.services.review import hall
from app.services.trail import audit
from app.services.trail.signature import signer_display_name, verify_password

OPEN = ("submitted", "approved", "filed")


@dataclass(frozen=True)
class Candidate:
    """A person who may be proposed as a handler, as the directory describes them."""

    username: str
    name: str
    employee_type: str
    department_code: str | None


def _directory_mode() -> bool:
    return current_app.config.get("AUTH_TYPE") == AUTH_LDAP


def candidates(session: Session, department: Department) -> list[Candidate]:
    """The unit's people who may handle a node: its 在编在岗 staff in the directory. Without a
    directory (AUTH_MODE=db, the demo) the unit's local accounts, unverified."""
    if _directory_mode():
        from app.security import ldap_auth

        return [
            Candidate(
                p.username, f"{p.last_name}{p.first_name}", p.employee_type, p.department_code
            )
            for p in ldap_auth.staff_of(department.code)
        ]
    users = session.scalars(
        select(ConsoleUser)
        .where(ConsoleUser.department_id == department.id, ConsoleUser.active.is_(True))
        .order_by(ConsoleUser.username)
    )
    return [Candidate(u.username, signer_display_name(u), "", department.code) for u in users]


def _person(session: Session, username: str, department: Department) -> Candidate:
    """The candidate `username` of `department`; refused when not 在编在岗 there."""
    if _directory_mode():
        from app.security import ldap_auth

        person = ldap_auth.find_person(username)
        if person is None:
            raise DomainError(_("统一身份认证中没有账号“{name}”。").format(name=username))
        if person.department_code != department.code:
            raise DomainError(_("“{name}”不属于{unit}。").format(name=username, unit=department))
        if not person.on_staff:
            raise DomainError(
                _("“{name}”在统一身份认证中不是在编在岗人员（{kind}），不能担任办理人。").format(
                    name=username, kind=person.employee_type or _("未登记")
                )
            )
        name = f"{person.last_name}{person.first_name}"
        return Candidate(person.username, name, person.employee_type, person.department_code)
    found = {c.username: c for c in candidates(session, department)}
    if username not in found:
        raise DomainError(_("请从本单位人员中选择办理人。"))
    return found[username]


def propose(
    session: Session, node: ProcessNode, user: ConsoleUser, username: str
) -> HandlerAssignment:
    """The process administrator of the unit handling `node` proposes `username` for it."""
    unit = hall.node_unit(node)
    scope.ensure_involved(user, node.item, [unit])
    permissions.ensure(user, "propose_handler")
    if node.item.is_offline:
        raise DomainError(_("该事项已下线，只能查看。"))
    department = session.get(Department, unit)
    person = _person(session, (username or "").strip(), department)
    taken = session.scalar(
        select(HandlerAssignment.id).where(
            HandlerAssignment.node_id == node.id,
            HandlerAssignment.username == person.username,
            HandlerAssignment.status.in_(OPEN),
        )
    )
    if taken:
        raise DomainError(_("“{name}”已是该环节的办理人或正在备案中。").format(name=person.name))
    row = HandlerAssignment(
        node=node,
        item_id=node.item_id,
        department_id=unit,
        username=person.username,
        display_name=person.name or person.username,
        employee_type=person.employee_type or None,
        status="submitted",
        submitted_at=utcnow(),
        submitted_by_id=user.id,
    )
    session.add(row)
    session.flush()
    _event(session, row, None, "submitted", _("提出办理人"))
    return row


def _event(session, row, old, new, what):
    audit.record_event(
        session,
        "transition",
        row,
        changes={"status": [old, new]},
        summary=f"{what}：{row}",
    )
    session.flush()


def _expect(row: HandlerAssignment, status: str):
    if row.status != status:
        raise InvalidTransitionError(_("该办理人备案已被处理，请刷新页面查看最新状态。"))


def decide(
    session: Session,
    row: HandlerAssignment,
    user: ConsoleUser,
    decision: str,
    password: str,
    comment: str = "",
) -> None:
    """The office approves (`approved`) or returns (`returned`) a proposal, signed."""
    action = "approve_handler" if decision == "approved" else "return_handler"
    permissions.ensure(user, action, row)
    _expect(row, "submitted")
    comment = (comment or "").strip()
    if decision == "returned" and not comment:
        raise DomainError(_("退回时必须填写退回意见。"))
    verify_password(user, password)
    content = {"node": row.node_id, "username": row.username, "unit": row.department_id}
    row.decided_at, row.signer_name, row.signature_hash = hall.sign(
        user, "handler_assignment", row.id, decision, content
    )
    row.decision_comment = comment or None
    row.status = decision
    _event(session, row, "submitted", decision, _("审批办理人"))


def file(session: Session, row: HandlerAssignment, user: ConsoleUser) -> None:
    """File an approved handler: from now on the person holds the handler role."""
    permissions.ensure(user, "file_handler")  # college-wide: the security administrator
    _expect(row, "approved")
    if valid_training(session, row.username) is None:
        raise DomainError(
            _("“{name}”没有有效的培训考核合格记录，不能备案（办法第十八条）。").format(
                name=row.display_name
            )
        )
    row.status = "filed"
    row.filed_at = utcnow()
    row.filed_by_name = signer_display_name(user)
    grant_role(session, row.username)
    _event(session, row, "approved", "filed", _("办理人备案"))


def grant_role(session: Session, username: str) -> None:
    """Give a filed handler's local account the handler role (directory users get it at login)."""
    from app.extensions import appbuilder

    account = session.scalar(select(ConsoleUser).where(ConsoleUser.username == username))
    role = appbuilder.sm.find_role(permissions.FILED_ROLE)
    if account is not None and role is not None and role not in account.roles:
        account.roles.append(role)


def end(session: Session, row: HandlerAssignment, reason: str) -> None:
    """The person left or moved: the assignment ends (kept as history); a handover is due."""
    old = row.status
    row.status = "ended"
    row.ended_at = utcnow()
    row.end_reason = reason
    _event(session, row, old, "ended", _("办理人离岗"))
    if not has_filing(session, row.username):
        account = session.scalar(select(ConsoleUser).where(ConsoleUser.username == row.username))
        if account is not None:
            account.roles = [r for r in account.roles if r.name != permissions.FILED_ROLE]


def has_filing(session: Session, username: str) -> bool:
    """Whether `username` is an active filed handler of some node."""
    return bool(
        session.scalar(
            select(HandlerAssignment.id).where(
                HandlerAssignment.username == username, HandlerAssignment.status == "filed"
            )
        )
    )


def sync_directory(session: Session) -> list[HandlerAssignment]:
    """End every filed handler the directory shows gone, moved or no longer on staff; returns
    the assignments ended (for cron: `flask hall-sync`)."""
    from app.security import ldap_auth

    ended = []
    rows = session.scalars(select(HandlerAssignment).where(HandlerAssignment.status == "filed"))
    for row in list(rows):
        person = ldap_auth.find_person(row.username)
        if person is None:
            reason = _("统一身份认证中已无此账号")
        elif person.department_code != row.department.code:
            reason = _("已调离本单位（现为 {code}）").format(code=person.department_code or "—")
        elif not person.on_staff:
            reason = _("已不是在编在岗人员（{kind}）").format(kind=person.employee_type or "—")
        else:
            continue
        end(session, row, reason)
        ended.append(row)
    return ended
