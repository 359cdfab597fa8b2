"""Who may log in: input guards, throttling, the second factor, the local emergency
administrator and the directory.

`authenticate()` is the one entry point of every login (the login page, the REST login; LDAP
or local), testable without HTTP; `complete_second_factor()` is the second step of the
accounts that need one. Unknown users and wrong passwords get the same message; every attempt
is audited with its reason. Failures are counted per name and source address together
(`throttle`): growing delays, an image challenge after three, a lock after five, for that
address only. The owner of a named account is told of the failures by mail (when SMTP is
configured) and at their next login (`failure_notice`).

Like every service it never commits: a refused attempt has already added its audit row and its
failure count when LoginRefused is raised, and the caller commits them all the same (the login
view does, through `one_transaction`, before it shows the refusal).
"""

import re
import secrets
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from app.models import AuditEntry, ConsoleUser, Department
from app.models.base import utcnow
from app.services.access import emergency, permissions, second_factor, throttle, training
from app.services.errors import (
    DirectoryDown,
    DomainError,
    LoginDelayed,
    LoginRefused,
    SecondFactorNeeded,
)
from app.services.trail import audit, clock, mailer

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


def unlock(session: Session, username: str) -> None:
    """Clear a name's failures and locks from every address (audited)."""
    throttle.unlock(session, username)


def _fail(session, username, reason, user=None, ip=None, message=None):
    cfg = current_app.config
    row = throttle.record_failure(session, username, ip)
    if throttle.is_locked(row):
        reason = f"{reason}; locked"
    _audit(session, "login_failed", username, reason, user, ip)
    if user is not None and throttle.first_failure_mail_due(session, username, row):
        _mail_owner(user, row, cfg)
    session.flush()
    raise LoginRefused(message or _generic(), reason, challenge=throttle.needs_challenge(row))


def _mail_owner(user, row, cfg):
    """Tell the account's owner by mail that it saw failures (once per address and hour)."""
    if not mailer.configured(cfg) or not user.email or user.email.endswith(".invalid"):
        return
    row.notified_at = utcnow()
    body = _(
        "您好，{name}：\n\n您在“{app}”的账号 {username} 于 {at}（{zone}）前后从地址 {ip} "
        "连续 {n} 次登录失败。如果不是您本人操作，请尽快修改密码并联系信息中心；"
        "如果是您本人，请忽略本邮件。\n"
    ).format(
        name=user.get_full_name() or user.username,
        app=cfg.get("APP_NAME", ""),
        username=user.username,
        at=clock.text(row.last_failure_at),
        zone=clock.zone_label(),
        ip=row.source or _("未知"),
        n=row.failures,
    )
    subject = _("【{app}】您的账号出现多次登录失败").format(app=cfg.get("APP_NAME", ""))
    try:
        mailer.send(cfg, [mailer.message(cfg, [user.email], subject, body)])
    except mailer.MailServerError as error:
        current_app.logger.warning("failure notice to %s not sent: %s", user.username, error)


def _guard(session, username, ip, challenge_answer, with_challenge=True):
    """Refuse before any password is checked: a locked pair, one that must wait, one that
    must answer the image challenge first. None of these counts as a failure."""
    row = throttle.pair(session, username, ip)
    if throttle.is_locked(row):
        _audit(session, "login_failed", username, "locked", ip=ip)
        session.flush()
        message = _("该账号因连续登录失败已被锁定 {m} 分钟，请稍后再试或联系信息中心解锁。")
        raise LoginRefused(
            message.format(m=current_app.config.get("LOCKOUT_MINUTES", 30)), "locked"
        )
    wait = throttle.wait_seconds(row)
    if wait:
        _audit(session, "login_failed", username, "too soon", ip=ip)
        session.flush()
        raise LoginDelayed(
            _("登录失败次数较多，请 {s} 秒后再试。").format(s=wait),
            "too soon",
            challenge=throttle.needs_challenge(row),
        )
    if not (with_challenge and throttle.needs_challenge(row)):
        return
    if not throttle.passes_challenge(row, challenge_answer):
        reason = "challenge failed" if challenge_answer else "challenge required"
        _audit(session, "login_failed", username, reason, ip=ip)
        session.flush()
        text = _("验证码错误，请重新输入。") if challenge_answer else _("请输入图片中的验证码。")
        raise LoginRefused(text, reason, challenge=True)


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


def authenticate(
    session: Session,
    sm: Any,
    username: str | None,
    password: str | None,
    ip: str | None = None,
    challenge: str | None = None,
    otp: str | None = None,
    user_agent: str | None = None,
) -> ConsoleUser:
    """The user when the credentials are right; else LoginRefused (audited, counted).

    `challenge` is the answer to the image challenge, needed once this name failed three
    times from `ip`. An account that needs a second factor gets SecondFactorNeeded after the
    right password (nothing is stamped as a login yet) unless `otp` (a TOTP or recovery code,
    the REST login's one-step form) is given and passes.

    Either way the session holds what must be kept (audit row, failure count or lock, the
    user's login stamp and fresh session nonce): the caller commits it, refused or not.

    With AUTH_TYPE LDAP or AUTH_MODE cas, the accounts named in LOCAL_ADMIN_USERS (the
    emergency administrator) are checked here and never sent to the directory; any other local
    account (e.g. a demo user) is refused, audited, even with its right password; the rest are
    checked against the directory (LDAP), or refused with a pointer to the CAS login
    (`cas_login.authenticate_cas` is their way in). Every caller (login form, REST login)
    comes through here.

    The emergency administrator logs in only from LOCAL_ADMIN_NETWORKS: from elsewhere its
    right password is refused like a wrong one (audited with its own reason); each of its
    logins is announced to the security administrators (`emergency.announce`, naming `ip` and
    `user_agent`).
    """
    username = (username or "").strip()
    problem = _valid_input(username, password)
    if problem:
        _audit(session, "login_failed", username[:64] or "(empty)", problem, ip=ip)
        session.flush()
        raise LoginRefused(_generic(), problem)
    _guard(session, username, ip, challenge)
    user = _find_user(session, username)
    if not _directory_mode(sm) or second_factor.is_local_admin(username):
        user = _check_local(session, user, username, password, ip)
        _ensure_trusted_network(session, user, ip)
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
    elif _cas_mode():
        _audit(session, "login_failed", username, "password login in cas mode", user, ip)
        session.flush()
        raise LoginRefused(
            _("本系统使用统一身份认证（CAS）登录，请点击“统一身份认证登录”。"),
            "password login in cas mode",
        )
    else:
        user = _check_directory(session, sm, username, password, ip)
    return _finish(session, sm, user, ip, otp, user_agent=user_agent)


def _finish(session, sm, user, ip, otp, how=None, user_agent=None):
    """The last steps of every login that proved who it is: the second factor, if the
    account needs one, then the success (stamped and audited)."""
    if second_factor.required(user):
        if otp is None:
            second_factor.prepare(user)
            _audit(session, "second_factor", user.username, "identity ok, code pending", user, ip)
            session.flush()
            raise SecondFactorNeeded(_("请输入动态验证码完成登录。"), "second factor", user.id)
        return _second_step(session, sm, user, otp, ip, user_agent)
    _succeed(session, sm, user, ip, how=how, user_agent=user_agent)
    return user


def _cas_mode():
    return current_app.config.get("AUTH_MODE") == "cas"


def _directory_mode(sm):
    """Whether people log in with the college's identity (LDAP or CAS), not local accounts."""
    from flask_appbuilder.const import AUTH_LDAP

    return sm.auth_type == AUTH_LDAP or _cas_mode()


def _unavailable(session, username, reason, ip, error):
    _audit(session, "login_failed", username, reason, ip=ip)
    session.flush()
    raise DirectoryDown(
        _("统一身份认证服务暂时无法连接，请稍后再试；紧急情况请联系信息中心。"), reason
    ) from error


def complete_second_factor(
    session: Session,
    sm: Any,
    user_id: int,
    code: str | None,
    ip: str | None = None,
    user_agent: str | None = None,
) -> tuple[ConsoleUser, list[str] | None]:
    """The second step: the user when `code` (TOTP or recovery code) passes, or confirms a
    pending enrolment; else LoginRefused (audited, counted toward the lock like a wrong
    password). Returns (user, recovery codes of a new enrolment or None)."""
    user = session.get(ConsoleUser, user_id)
    if user is None or not user.active:
        raise LoginRefused(_("登录已失效，请重新登录。"), "second factor expired")
    _guard(session, user.username, ip, None, with_challenge=False)
    _ensure_trusted_network(session, user, ip, _wrong_code())
    if not second_factor.enrolled(user):
        codes = second_factor.confirm_enrolment(session, user, code)
        if codes is None:
            _fail(
                session, user.username, "wrong second factor (enrolment)", user, ip, _wrong_code()
            )
        _succeed(session, sm, user, ip, how="totp (enrolled)", user_agent=user_agent)
        return user, codes
    return _second_step(session, sm, user, code, ip, user_agent), None


def _wrong_code():
    return _("动态验证码错误或已使用，请输入验证器中当前显示的 6 位数字或一个未用过的恢复码。")


def _second_step(session, sm, user, code, ip, user_agent=None):
    if not second_factor.enrolled(user):
        _audit(session, "login_failed", user.username, "second factor not enrolled", user, ip)
        session.flush()
        raise LoginRefused(
            _("该账号尚未绑定两步验证，请先在登录页面登录并完成绑定。"), "not enrolled"
        )
    how = second_factor.verify(session, user, code)
    if how is None:
        _fail(session, user.username, "wrong second factor", user, ip, _wrong_code())
    _succeed(session, sm, user, ip, how=how, user_agent=user_agent)
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


def _ensure_trusted_network(session, user, ip, message=None):
    """The emergency administrator from outside LOCAL_ADMIN_NETWORKS: refused, with the answer
    of a wrong password (or code), counted and audited like one under its own reason."""
    if second_factor.is_local_admin(user.username) and not emergency.from_trusted_network(ip):
        _fail(session, user.username, "emergency admin outside trusted networks", user, ip, message)


def _check_directory(session, sm, username, password, ip):
    from app.security import ldap_auth

    try:
        entry = ldap_auth.authenticate(username, password)
    except ldap_auth.DirectoryUnavailable as error:
        _unavailable(session, username, "directory unavailable", ip, error)
    if entry is None:
        _fail(session, username, "directory refused", _find_user(session, username), ip)
    return _sync_directory_user(session, sm, entry, ip)


def _is_filed_handler(session, username):
    """A filed handler holds the handler role while the filing stands (measures art. 6)."""
    from app.models import HandlerAssignment

    return bool(
        session.query(HandlerAssignment.id).filter_by(username=username, status="filed").first()
    )


def _sync_directory_user(session, sm, entry, ip, source="ldap", strict_department=False):
    """Create or update the local row of a directory (or CAS) user: names, roles, department.
    An unregistered department code gives no department and a notice, or with
    `strict_department` refuses the login."""
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
    department = (
        session.query(Department).filter_by(code=entry.department_code).first()
        if entry.department_code
        else None
    )
    if strict_department and entry.department_code and department is None:
        _audit(session, "login_failed", entry.username, "unknown department", user, ip)
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


def _succeed(session, sm, user, ip, how=None, user_agent=None):
    throttle.clear(session, user.username, ip)
    user.failure_notice = failure_notice(session, user)
    user.login_count = (user.login_count or 0) + 1
    user.fail_login_count = 0
    user.last_login = utcnow()
    user.session_nonce = secrets.token_hex(16)
    _audit(session, "login", user.username, f"ok; {how}" if how else "ok", user, ip)
    if second_factor.is_local_admin(user.username):
        emergency.announce(session, user, ip, user_agent)
    session.flush()


def failure_notice(session: Session, user: ConsoleUser) -> dict | None:
    """The failed attempts on this account since its last login (count, last time and
    address), for the notice at login and on the home page; None when there were none."""
    since = user.last_login or user.created_on
    query = session.query(AuditEntry).filter(
        AuditEntry.action == "login_failed",
        func.lower(AuditEntry.username) == user.username.lower(),
    )
    if since is not None:
        query = query.filter(AuditEntry.at > since)
    count = query.count()
    if not count:
        return None
    last = query.order_by(AuditEntry.seq.desc()).first()
    return {"count": count, "at": clock.text(last.at), "ip": last.ip or ""}
