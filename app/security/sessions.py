"""Sessions: a sliding idle timeout, an absolute limit, and server-side revocation.

At login the session gets the user's fresh nonce, the login time and the last-seen time. Every
request checks them: an idle session (30 min), an old one (8 h), one whose nonce no longer
matches (logout elsewhere, password change) or a disabled account is ended at once.
"""

import secrets
import time

from flask import current_app, flash, g, jsonify, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import event

from app.models import ConsoleUser


def start(user, cas_ticket=None):
    """A new session for `user` (after `authenticate` set a fresh nonce); `cas_ticket` is the
    digest of the CAS ticket it was opened with, whose single logout ends it."""
    session.clear()
    login_user(user, remember=False)
    session.permanent = True
    now = int(time.time())
    session["nonce"] = user.session_nonce
    session["login_at"] = now
    session["seen_at"] = now
    if cas_ticket:
        session["cas"] = cas_ticket


def audit_logout(db_session, user, ip, how=None):
    from app.services.trail import audit

    audit.record_event(
        db_session,
        "logout",
        record_type="ab_user",
        record_id=user.id,
        summary=user.username,
        changes={"reason": [None, how]} if how else None,
        username=user.username,
        ip=ip,
    )


def end_cas_login(db_session, digest, ip):
    """The CAS server's single logout of the login with this ticket digest: its console
    session ends at its next request (audited); an unknown or already ended one is ignored."""
    from app.models import CasLogin
    from app.models.base import utcnow

    login = db_session.query(CasLogin).filter_by(ticket_digest=digest).first()
    if login is None or login.ended_at is not None:
        return
    login.ended_at = utcnow()
    user = db_session.get(ConsoleUser, login.user_id)
    if user is not None:
        audit_logout(db_session, user, ip, how="cas single logout")


def _cas_logged_out(digest):
    """Whether the CAS server's single logout ended the CAS login with this ticket digest."""
    from app.extensions import db
    from app.models import CasLogin

    ended = db.session.query(CasLogin.ended_at).filter_by(ticket_digest=digest).scalar()
    return ended is not None


def end():
    """Log out here and invalidate every copy of this user's session cookie."""
    user = current_user._get_current_object() if current_user.is_authenticated else None
    if user is not None:
        user.session_nonce = secrets.token_hex(16)
    logout_user()
    session.clear()
    return user


def _expired_reason(user):
    cfg = current_app.config
    now = int(time.time())
    if not user.active:
        return _("账号已停用。")
    if not session.get("nonce") or session.get("nonce") != user.session_nonce:
        return _("您已在其他地方退出或会话已失效，请重新登录。")
    if now - int(session.get("login_at", 0)) > cfg.get("SESSION_MAX_HOURS", 8) * 3600:
        return _("登录已超过 {h} 小时，请重新登录。").format(h=cfg.get("SESSION_MAX_HOURS", 8))
    if now - int(session.get("seen_at", 0)) > cfg.get("SESSION_IDLE_MINUTES", 30) * 60:
        return _("超过 {m} 分钟未操作，请重新登录。").format(m=cfg.get("SESSION_IDLE_MINUTES", 30))
    if session.get("cas") and _cas_logged_out(session["cas"]):
        return _("您已在统一身份认证退出，请重新登录。")
    return None


def check_session():
    """before_request: end sessions that are idle, too old, revoked or of a disabled user."""
    if request.endpoint in (None, "static", "appbuilder.static"):
        return None
    if not current_user.is_authenticated:
        return None
    reason = _expired_reason(current_user)
    if reason is None:
        session["seen_at"] = int(time.time())
        return _force_password_change()
    logout_user()
    session.clear()
    g.user = current_user
    if request.accept_mimetypes.best == "application/json":
        response = jsonify(message=reason)
        response.status_code = 401
        return response
    flash(reason, "warning")
    from app.extensions import appbuilder

    back = request.full_path if request.method == "GET" else ""
    return redirect(appbuilder.get_url_for_login_with(back))


def change_password_url():
    from app.extensions import appbuilder

    return url_for(appbuilder.sm.resetmypasswordview.__name__ + ".this_form_get")


def _force_password_change():
    """Until a password set by someone else (or too old) is changed, the change form is the
    only page: following a link or typing an address does not skip it."""
    from app.extensions import appbuilder
    from app.services.access import passwords

    if not passwords.must_change(current_user):
        return None
    endpoint = request.endpoint or ""
    allowed = (appbuilder.sm.resetmypasswordview.__name__ + ".",)
    if endpoint.startswith(allowed) or endpoint.endswith((".logout", ".login")):
        return None
    if endpoint.startswith("LocaleView."):
        return None
    message = _("密码已超过有效期或为初始密码，请先修改密码。")
    if request.accept_mimetypes.best == "application/json":
        response = jsonify(message=message)
        response.status_code = 403
        return response
    flash(message, "warning")
    return redirect(change_password_url())


@event.listens_for(ConsoleUser.active, "set")
def _revoke_on_disable(user, value, old, initiator):
    """Disabling an account revokes its sessions even if it is enabled again later."""
    if value is False and old is not False:
        user.session_nonce = secrets.token_hex(16)


def install(app):
    app.before_request(check_session)
