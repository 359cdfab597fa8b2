"""Who may log in: input guards, lockout, the local emergency administrator and the directory.

`authenticate()` is the one entry point used by the login page (and testable without HTTP).
Unknown users and wrong passwords get the same message; every attempt is audited with its
reason; five consecutive failures lock the name for thirty minutes in the database, so the lock
holds across workers.

Like every service it never commits: a refused attempt has already added its audit row and its
failure count when LoginRefused is raised, and the caller commits them all the same (the login
view does, through `one_transaction`, before it shows the refusal).
"""

import re
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from app.models import ConsoleUser, Department, LoginThrottle
from app.models.base import utcnow
from app.services.access import permissions
from app.services.errors import DirectoryDown, DomainError, LoginRefused
from app.services.trail import audit

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
PASSWORD_MAX = 256
_DUMMY_HASH = generate_password_hash("timing-balance-" + secrets.token_hex(8))


def _generic():
    return _("用户名或密码错误。")


def _audit(session, action, username, reason, user=None, ip=None):
    name = re.sub(r"[\x00-\x1f\x7f]", "?", (username or "")[:64])  # no forged log lines
    audit.record_event(
        session,
        action,
        record_type="ab_user",
        record_id=user.id if user is not None else None,
        summary=name,
        changes={"reason": [None, reason]},
        username=name,
        ip=ip,
        department_id=getattr(user, "department_id", None),
    )


def _throttle(session, username):
    row = session.query(LoginThrottle).filter_by(username=username.lower()).first()
    if row is None:
        row = LoginThrottle(username=username.lower(), failures=0)
        session.add(row)
    return row


def is_locked(session, username):
    row = session.query(LoginThrottle).filter_by(username=(username or "").lower()).first()
    return row is not None and row.locked_until is not None and row.locked_until > utcnow()


def unlock(session, username):
    """Clear a name's failures and lock (the IT administrator's action, audited)."""
    row = session.query(LoginThrottle).filter_by(username=username.lower()).first()
    if row is not None:
        row.failures = 0
        row.locked_until = None
    audit.record_event(
        session,
        "permission",
        record_type="ab_user",
        summary=username,
        changes={"unlocked": [None, username]},
    )


def _fail(session, username, reason, user=None, ip=None):
    cfg = current_app.config
    row = _throttle(session, username)
    row.failures += 1
    row.last_failure_at = utcnow()
    if row.failures >= cfg.get("LOCKOUT_THRESHOLD", 5):
        row.locked_until = utcnow() + timedelta(minutes=cfg.get("LOCKOUT_MINUTES", 30))
        reason = f"{reason}; locked"
    _audit(session, "login_failed", username, reason, user, ip)
    session.flush()
    raise LoginRefused(_generic(), reason)


def _valid_input(username, password):
    if not username or not USERNAME_PATTERN.match(username):
        return "invalid username"
    if not password:
        return "empty password"
    if "\x00" in password or len(password) > PASSWORD_MAX:
        return "invalid password"
    return None


def _find_user(session, username):
    return (
        session.query(ConsoleUser)
        .filter(
            ConsoleUser.username.ilike(
                username.replace("%", r"\%").replace("_", r"\_"), escape="\\"
            )
        )
        .first()
    )


def _is_local_admin(username):
    local_names = {n.lower() for n in current_app.config.get("LOCAL_ADMIN_USERS", [])}
    return username.lower() in local_names


def authenticate(session, sm, username, password, ip=None):
    """The user when the credentials are right; else LoginRefused (audited, counted).

    Either way the session holds what must be kept (audit row, failure count or lock, the
    user's login stamp and fresh session nonce): the caller commits it, refused or not.

    With AUTH_TYPE LDAP, the accounts named in LOCAL_ADMIN_USERS (the emergency
    administrator) are checked here and never sent to the directory; any other local account
    (e.g. a demo user) is refused, audited, even with its right password; the rest are checked
    against the directory. Every caller (login form, REST login) comes through here.
    """
    from flask_appbuilder.const import AUTH_LDAP

    username = (username or "").strip()
    problem = _valid_input(username, password)
    if problem:
        _audit(session, "login_failed", username[:64] or "(empty)", problem, ip=ip)
        session.flush()
        raise LoginRefused(_generic(), problem)
    if is_locked(session, username):
        _audit(session, "login_failed", username, "locked", ip=ip)
        session.flush()
        message = _("该账号因连续登录失败已被锁定 {m} 分钟，请稍后再试或联系信息中心解锁。")
        raise LoginRefused(
            message.format(m=current_app.config.get("LOCKOUT_MINUTES", 30)), "locked"
        )
    user = _find_user(session, username)
    if sm.auth_type != AUTH_LDAP or _is_local_admin(username):
        user = _check_local(session, user, username, password, ip)
    elif user is not None and user.source == "local":
        _check_local(session, user, username, password, ip)  # a wrong password counts as usual
        _audit(session, "login_failed", username, "local account in directory mode", user, ip)
        session.flush()
        raise LoginRefused(
            _(
                "本地账号不能在统一身份认证模式下登录，请使用统一身份认证账号；"
                "紧急情况请联系信息中心。"
            ),
            "local account in directory mode",
        )
    else:
        user = _check_directory(session, sm, username, password, ip)
    _succeed(session, sm, user, ip)
    return user


def _check_local(session, user, username, password, ip):
    if user is None or not user.password:
        check_password_hash(_DUMMY_HASH, password)  # same time as a real check
        _fail(session, username, "unknown user", ip=ip)
    if not check_password_hash(user.password, password):
        _fail(session, username, "wrong password", user, ip)
    if not user.active:
        _fail(session, username, "inactive", user, ip)
    return user


def _check_directory(session, sm, username, password, ip):
    from app.security import ldap_auth

    try:
        entry = ldap_auth.authenticate(username, password)
    except ldap_auth.DirectoryUnavailable as error:
        _audit(session, "login_failed", username, "directory unavailable", ip=ip)
        session.flush()
        raise DirectoryDown(
            _("统一身份认证服务暂时无法连接，请稍后再试；紧急情况请联系信息中心。"),
            "directory unavailable",
        ) from error
    if entry is None:
        _fail(session, username, "directory refused", _find_user(session, username), ip)
    return _sync_directory_user(session, sm, entry, ip)


def _is_filed_handler(session, username):
    """A filed handler holds the handler role while the filing stands (measures art. 6)."""
    from app.models import HandlerAssignment

    return bool(
        session.query(HandlerAssignment.id).filter_by(username=username, status="filed").first()
    )


def _sync_directory_user(session, sm, entry, ip):
    """Create or update the local row of a directory user: names, roles, department."""
    from app.security import ldap_auth

    user = _find_user(session, entry.username)
    if user is not None and not user.active:
        _fail(session, entry.username, "inactive", user, ip)
    mapped = ldap_auth.roles_for(entry.groups)
    if _is_filed_handler(session, entry.username):
        mapped.append(permissions.FILED_ROLE)
    roles = [r for r in (sm.find_role(name) for name in mapped) if r is not None]
    if not roles:
        _audit(session, "login_failed", entry.username, "no mapped role", user, ip)
        session.flush()
        raise LoginRefused(
            _("您的统一身份认证账号尚未分配本系统的角色，请联系信息中心。"), "no mapped role"
        )
    try:
        permissions.ensure_separated(roles)
    except DomainError as error:
        _audit(session, "login_failed", entry.username, "separated roles", user, ip)
        session.flush()
        raise LoginRefused(str(error), "separated roles") from error
    if user is None:
        user = ConsoleUser(username=entry.username, source="ldap", active=True)
        session.add(user)
    user.first_name = entry.first_name or entry.username
    user.last_name = entry.last_name or "-"
    user.email = entry.email or f"{entry.username}@directory.invalid"
    user.roles = roles
    department = (
        session.query(Department).filter_by(code=entry.department_code).first()
        if entry.department_code
        else None
    )
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
    try:
        session.flush()
    except IntegrityError as error:
        session.rollback()
        raise LoginRefused(
            _("账号信息与已有用户冲突（如电子邮箱重复），请联系信息中心。"), "sync conflict"
        ) from error
    return user


def _succeed(session, sm, user, ip):
    row = session.query(LoginThrottle).filter_by(username=user.username.lower()).first()
    if row is not None:
        row.failures = 0
        row.locked_until = None
    user.login_count = (user.login_count or 0) + 1
    user.fail_login_count = 0
    user.last_login = utcnow()
    user.session_nonce = secrets.token_hex(16)
    _audit(session, "login", user.username, "ok", user, ip)
    session.flush()
