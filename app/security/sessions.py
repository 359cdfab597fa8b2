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


def start(user):
    """A new session for `user` (after `authenticate` set a fresh nonce)."""
    session.clear()
    login_user(user, remember=False)
    session.permanent = True
    now = int(time.time())
    session["nonce"] = user.session_nonce
    session["login_at"] = now
    session["seen_at"] = now


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
