"""Logging in with a CAS service ticket (AUTH_MODE=cas): the same guards, audit, lock and
second factor as `authentication.authenticate`, whose steps it shares.

Bad, replayed or refused tickets count as failures of the address under CAS_TICKET_NAME; the
person a good ticket names is then held to the same lock as at the login form.
"""

from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app.models import ConsoleUser
from app.models.base import utcnow
from app.services.access import second_factor, throttle
from app.services.access.authentication import finish_login
from app.services.access.directory_users import sync_directory_user
from app.services.access.login_steps import (
    USERNAME_PATTERN,
    audit_attempt,
    fail,
    find_user,
    guard,
    unavailable,
)
from app.services.errors import LoginRefused

CAS_TICKET_NAME = "(cas ticket)"  # counts bad tickets per address; no user name looks like it


def authenticate_cas(
    session: Session, sm: Any, ticket: str | None, service: str, ip: str | None = None
) -> ConsoleUser:
    """The user a CAS service ticket names, when the CAS server accepts it for `service`;
    else LoginRefused (audited, counted), like `authenticate`.

    Bad, replayed or refused tickets count as failures of the address under CAS_TICKET_NAME
    (delays, then a lock of CAS logins from that address); the person the ticket names is then
    held to the same lock as at the login form. The emergency administrator and other local
    accounts never log in through CAS. Department and groups come from the CAS attributes, or
    from the directory (CAS_USER_SOURCE=ldap); an unregistered department code is refused. The
    ticket's digest is kept (CasLogin) for the single logout and against replays.
    """
    from app.models import CasLogin
    from app.security import cas_auth

    guard(session, CAS_TICKET_NAME, ip, None, with_challenge=False)
    if not cas_auth.well_formed(ticket):
        fail(session, CAS_TICKET_NAME, "cas ticket malformed", ip=ip, message=_cas_refused())
    digest = cas_auth.digest(ticket)
    if session.query(CasLogin.id).filter_by(ticket_digest=digest).first() is not None:
        fail(session, CAS_TICKET_NAME, "cas ticket replayed", ip=ip, message=_cas_refused())
    try:
        answer = cas_auth.validate(ticket, service)
    except cas_auth.CasUnavailable as error:
        unavailable(session, CAS_TICKET_NAME, "cas server unavailable", ip, error)
    if answer is None:
        fail(session, CAS_TICKET_NAME, "cas ticket refused", ip=ip, message=_cas_refused())
    username, attributes = answer
    if not USERNAME_PATTERN.match(username):
        fail(session, CAS_TICKET_NAME, "cas user name not allowed", ip=ip, message=_generic_cas())
    guard(session, username, ip, None, with_challenge=False)
    user = find_user(session, username)
    if second_factor.is_local_admin(username) or (user is not None and user.source == "local"):
        audit_attempt(session, "login_failed", username, "local account through cas", user, ip)
        session.flush()
        raise LoginRefused(
            _("本地账号不能通过统一身份认证登录；紧急管理员请使用登录页面的用户名和密码。"),
            "local account through cas",
        )
    entry = _cas_entry(session, username, attributes, ip)
    user = sync_directory_user(session, sm, entry, ip, source="cas", strict_department=True)
    session.add(CasLogin(ticket_digest=digest, user_id=user.id, created_at=utcnow()))
    throttle.clear(session, CAS_TICKET_NAME, ip)
    return finish_login(session, sm, user, ip, None, how="cas")


def _cas_refused():
    return _("统一身份认证登录未完成或已失效，请重新登录。")


def _generic_cas():
    return _("您的统一身份认证账号无法登录本系统，请联系信息中心。")


def _cas_entry(session, username, attributes, ip):
    from app.security import cas_auth, ldap_auth

    if current_app.config.get("CAS_USER_SOURCE") != "ldap":
        return cas_auth.entry_from_attributes(username, attributes)
    try:
        entry = cas_auth.entry_from_directory(username)
    except ldap_auth.DirectoryUnavailable as error:
        unavailable(session, username, "directory unavailable", ip, error)
    if entry is None:
        audit_attempt(session, "login_failed", username, "cas user not in directory", None, ip)
        session.flush()
        raise LoginRefused(_generic_cas(), "cas user not in directory")
    return entry
