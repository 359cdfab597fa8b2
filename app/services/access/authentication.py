"""Who may log in: input guards, throttling, the second factor, the local emergency
administrator and the directory.

`authenticate()` is the one entry point of every login (the login page, the REST login; LDAP
or local), testable without HTTP; `complete_second_factor()` is the second step of the
accounts that need one. Unknown users and wrong passwords get the same message; every attempt
is audited with its reason (the steps every login path shares are in `login_steps`, the
directory's accounts in `directory_users`). Failures are counted per name and source address
together (`throttle`): growing delays, an image challenge after three, a lock after five, for
that address only. The owner of a named account is told of the failures by mail (when SMTP is
configured) and at their next login (`failure_notice`).

Like every service it never commits: a refused attempt has already added its audit row and its
failure count when LoginRefused is raised, and the caller commits them all the same (the login
view does, through `one_transaction`, before it shows the refusal).
"""

import secrets
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from app.models import AuditEntry, ConsoleUser
from app.models.base import utcnow
from app.services.access import emergency, second_factor, throttle
from app.services.access.directory_users import check_directory
from app.services.access.login_steps import (
    USERNAME_PATTERN,
    audit_attempt,
    fail,
    find_user,
    generic_refusal,
    guard,
)
from app.services.errors import LoginRefused, SecondFactorNeeded
from app.services.trail import clock

PASSWORD_MAX = 256
_DUMMY_HASH = generate_password_hash("timing-balance-" + secrets.token_hex(8))


def unlock(session: Session, username: str) -> None:
    """Clear a name's failures and locks from every address (audited)."""
    throttle.unlock(session, username)


def _valid_input(username, password):
    if not username or not USERNAME_PATTERN.match(username):
        return "invalid username"
    if not password:
        return "empty password"
    if "\x00" in password or len(password) > PASSWORD_MAX:
        return "invalid password"
    return None


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
        audit_attempt(session, "login_failed", username[:64] or "(empty)", problem, ip=ip)
        session.flush()
        raise LoginRefused(generic_refusal(), problem)
    guard(session, username, ip, challenge)
    user = find_user(session, username)
    if not _directory_mode(sm) or second_factor.is_local_admin(username):
        user = _check_local(session, user, username, password, ip)
        _ensure_trusted_network(session, user, ip)
    elif user is not None and user.source == "local":
        _check_local(session, user, username, password, ip)  # a wrong password counts as usual
        audit_attempt(
            session, "login_failed", username, "local account in directory mode", user, ip
        )
        session.flush()
        raise LoginRefused(
            _(
                "本地账号不能在统一身份认证模式下登录，请使用统一身份认证账号；"
                "紧急情况请联系信息中心。"
            ),
            "local account in directory mode",
        )
    elif _cas_mode():
        audit_attempt(session, "login_failed", username, "password login in cas mode", user, ip)
        session.flush()
        raise LoginRefused(
            _("本系统使用统一身份认证（CAS）登录，请点击“统一身份认证登录”。"),
            "password login in cas mode",
        )
    else:
        user = check_directory(session, sm, username, password, ip)
    return finish_login(session, sm, user, ip, otp, user_agent=user_agent)


def finish_login(
    session: Session,
    sm: Any,
    user: ConsoleUser,
    ip: str | None,
    otp: str | None,
    how: str | None = None,
    user_agent: str | None = None,
) -> ConsoleUser:
    """The last steps of every login that proved who it is: the second factor, if the
    account needs one, then the success (stamped and audited)."""
    if second_factor.required(user):
        if otp is None:
            second_factor.prepare(user)
            audit_attempt(
                session, "second_factor", user.username, "identity ok, code pending", user, ip
            )
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
    guard(session, user.username, ip, None, with_challenge=False)
    _ensure_trusted_network(session, user, ip, _wrong_code())
    if not second_factor.enrolled(user):
        codes = second_factor.confirm_enrolment(session, user, code)
        if codes is None:
            fail(session, user.username, "wrong second factor (enrolment)", user, ip, _wrong_code())
        _succeed(session, sm, user, ip, how="totp (enrolled)", user_agent=user_agent)
        return user, codes
    return _second_step(session, sm, user, code, ip, user_agent), None


def _wrong_code():
    return _("动态验证码错误或已使用，请输入验证器中当前显示的 6 位数字或一个未用过的恢复码。")


def _second_step(session, sm, user, code, ip, user_agent=None):
    if not second_factor.enrolled(user):
        audit_attempt(
            session, "login_failed", user.username, "second factor not enrolled", user, ip
        )
        session.flush()
        raise LoginRefused(
            _("该账号尚未绑定两步验证，请先在登录页面登录并完成绑定。"), "not enrolled"
        )
    how = second_factor.verify(session, user, code)
    if how is None:
        fail(session, user.username, "wrong second factor", user, ip, _wrong_code())
    _succeed(session, sm, user, ip, how=how, user_agent=user_agent)
    return user


def _check_local(session, user, username, password, ip):
    if user is None or not user.password:
        check_password_hash(_DUMMY_HASH, password)  # same time as a real check
        fail(session, username, "unknown user", ip=ip)
    if not check_password_hash(user.password, password):
        fail(session, username, "wrong password", user, ip)
    if not user.active:
        fail(session, username, "inactive", user, ip)
    return user


def _ensure_trusted_network(session, user, ip, message=None):
    """The emergency administrator from outside LOCAL_ADMIN_NETWORKS: refused, with the answer
    of a wrong password (or code), counted and audited like one under its own reason."""
    if second_factor.is_local_admin(user.username) and not emergency.from_trusted_network(ip):
        fail(session, user.username, "emergency admin outside trusted networks", user, ip, message)


def _succeed(session, sm, user, ip, how=None, user_agent=None):
    throttle.clear(session, user.username, ip)
    user.failure_notice = failure_notice(session, user)
    user.login_count = (user.login_count or 0) + 1
    user.fail_login_count = 0
    user.last_login = utcnow()
    user.session_nonce = secrets.token_hex(16)
    audit_attempt(session, "login", user.username, f"ok; {how}" if how else "ok", user, ip)
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
