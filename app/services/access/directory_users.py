"""The local row of a person who logs in with the college's identity (LDAP, or CAS with its
attributes or the directory): names, department and roles from the directory's groups (none
mapped: `DIRECTORY_DEFAULT_ROLE`, the applicant), the
handler role while a filing stands (measures art. 6), and an expired training assessment's
suspension (art. 18). Like every service it never commits."""

from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import ConsoleUser, Department
from app.services.access import permissions, separation, training
from app.services.access.login_steps import audit_attempt, fail, find_user, unavailable
from app.services.errors import DomainError, LoginRefused


def check_directory(
    session: Session, sm: Any, username: str, password: str, ip: str | None
) -> ConsoleUser:
    """The directory's answer to a name and password: the synced local row, or a refusal."""
    from app.security import ldap_auth

    try:
        entry = ldap_auth.authenticate(username, password)
    except ldap_auth.DirectoryUnavailable as error:
        unavailable(session, username, "directory unavailable", ip, error)
    if entry is None:
        fail(session, username, "directory refused", find_user(session, username), ip)
    return sync_directory_user(session, sm, entry, ip)


def _is_filed_handler(session, username):
    """A filed handler holds the handler role while the filing stands (measures art. 6)."""
    from app.models import HandlerAssignment

    return bool(
        session.query(HandlerAssignment.id).filter_by(username=username, status="filed").first()
    )


def sync_directory_user(
    session: Session,
    sm: Any,
    entry: Any,
    ip: str | None,
    source: str = "ldap",
    strict_department: bool = False,
) -> ConsoleUser:
    """Create or update the local row of a directory (or CAS) user: names, roles, department.
    An unregistered department code gives no department and a notice, or with
    `strict_department` refuses the login."""
    from app.security import ldap_auth

    user = find_user(session, entry.username)
    if user is not None and not user.active:
        fail(session, entry.username, "inactive", user, ip)
    mapped = ldap_auth.roles_for(entry.groups)
    if _is_filed_handler(session, entry.username):
        mapped.append(permissions.FILED_ROLE)
    if not mapped and current_app.config.get("DIRECTORY_DEFAULT_ROLE"):
        # A directory person without a console role (a student, most staff) is an applicant.
        mapped.append(current_app.config["DIRECTORY_DEFAULT_ROLE"])
    roles = [r for r in (sm.find_role(name) for name in mapped) if r is not None]
    if not roles:
        audit_attempt(session, "login_failed", entry.username, "no mapped role", user, ip)
        session.flush()
        raise LoginRefused(
            _("您的统一身份认证账号尚未分配本系统的角色，请联系信息中心。"), "no mapped role"
        )
    try:
        separation.ensure_separated(roles)
    except DomainError as error:
        audit_attempt(session, "login_failed", entry.username, "separated roles", user, ip)
        session.flush()
        raise LoginRefused(str(error), "separated roles") from error
    department = (
        session.query(Department).filter_by(code=entry.department_code).first()
        if entry.department_code
        else None
    )
    if strict_department and entry.department_code and department is None:
        audit_attempt(session, "login_failed", entry.username, "unknown department", user, ip)
        session.flush()
        raise LoginRefused(
            _(
                "您在统一身份认证中的部门代码“{code}”未在本系统登记，暂不能登录，请联系信息中心。"
            ).format(code=entry.department_code),
            "unknown department",
        )
    if user is None:
        user = ConsoleUser(username=entry.username, source=source, active=True)
        session.add(user)
    user.source = source
    user.first_name = entry.first_name or entry.username
    user.last_name = entry.last_name or "-"
    user.email = entry.email or f"{entry.username}@directory.invalid"
    user.roles = roles
    user.department_id = department.id if department else None
    user.notices = (
        []
        if department or not entry.department_code
        else [
            _(
                "您在统一身份认证中的部门代码“{code}”未在本系统登记，暂无部门数据权限，请联系信息中心。"
            ).format(code=entry.department_code)
        ]
    )
    training.suspend_expired(session, user)  # art. 18: an expired assessment, with a notice
    try:
        session.flush()
    except IntegrityError as error:
        session.rollback()
        raise LoginRefused(
            _("账号信息与已有用户冲突（如电子邮箱重复），请联系信息中心。"), "sync conflict"
        ) from error
    return user
