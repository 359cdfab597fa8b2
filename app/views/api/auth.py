"""Who calls the API: the bearer token, its user, its scopes; each use audited.

`authenticate()` runs before every call but the OpenAPI document and its reader. A call
without a valid token answers 401; the token's user then stands for the request exactly as
after a login (`g.user`, Flask-Login's current user, the audit trail's actor), so every check
the pages make applies. The use is written to the audit trail in its own transaction, so a
refused write is still on record. No cookie authenticates here: the API is free of CSRF.
"""

import hashlib

from flask import current_app, g, request
from flask_babel import gettext as _

from app.extensions import db
from app.models.base import utcnow
from app.services.access import tokens
from app.services.errors import DomainError, PermissionDeniedError
from app.services.trail import audit

from ..errors import abort_with
from ..transaction import one_transaction

OPEN_ENDPOINTS = ("api_v1.openapi", "api_v1.docs")


class TokenRefused(DomainError):
    """No token, or one that is unknown, expired or revoked."""


def bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return secret.strip()


def limit_key() -> str:
    """The rate limit counts per token (its digest), or per address without one."""
    secret = bearer()
    if secret:
        return "api:" + hashlib.sha256(secret.encode("utf-8")).hexdigest()[:32]
    return "api-ip:" + (request.remote_addr or "")


def _unauthorized(message):
    abort_with(401, message)


def authenticate():
    """before_request of the API blueprint."""
    if request.endpoint in OPEN_ENDPOINTS or request.endpoint is None:
        return None
    if not current_app.config.get("API_ENABLED", True):
        abort_with(404, _("接口未启用。"))
    secret = bearer()
    if secret is None:
        _unauthorized(_("需要访问令牌：请在 Authorization 头中以 Bearer 方式提供。"))
    token = tokens.find(db.session, secret)
    if token is None:
        _unauthorized(_("访问令牌无效、已过期或已被吊销。"))
    user = token.user
    g.api_token = token
    g.user = user
    g._login_user = user  # Flask-Login's current_user: the audit trail's actor
    with one_transaction(explain=True):
        token.last_used_at = utcnow()
        audit.record_event(
            db.session,
            "api_call",
            record_type="api_token",
            record_id=token.id,
            summary=f"{request.method} {request.path}"[:255],
            username=user.username,
        )
    return None


def need_scope(scope: str) -> None:
    """Refuse (403) when the calling token lacks `scope`."""
    if scope not in g.api_token.scope_list:
        raise PermissionDeniedError(_("该令牌没有 {scope} 权限范围。").format(scope=scope))


def need_page_permission(permission: str, view: str) -> None:
    """Refuse (403) unless the user holds the FAB permission the page itself checks."""
    from app.extensions import appbuilder

    if not appbuilder.sm.has_access(permission, view):
        raise PermissionDeniedError(_("您的角色不能执行此操作。"))
