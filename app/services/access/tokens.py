"""Access tokens of the REST API: create (the secret is shown once), revoke, authenticate.

A token acts as its user: every call then passes the same permission table and department
scope as that user's pages, and the token's scopes narrow it further (a portal token with
`lists:read` reads the published lists and nothing else). Only the SHA-256 of the secret is
stored (a 256-bit random secret needs no slow hash); the first characters are kept in clear
so that the security administrator can tell tokens apart.
"""

import hashlib
import secrets
from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import ApiToken, ConsoleUser
from app.models.base import utcnow
from app.models.choices import TOKEN_KIND
from app.models.user import Actor
from app.services.access import permissions
from app.services.errors import DomainError, NotFoundError
from app.services.trail import audit

PREFIX = "sgc_"
# What a token may be allowed: read or write one kind of record. A call needs the scope of its
# resource besides the user's own permission; cases:* are reserved for the case records.
SCOPES = {
    "departments:read": _l("读取部门"),
    "contacts:read": _l("读取联系人"),
    "contacts:write": _l("填报联系人"),
    "items:read": _l("读取服务事项（含材料与环节）"),
    "items:write": _l("填报服务事项（含材料与环节）"),
    "systems:read": _l("读取管理信息系统"),
    "systems:write": _l("填报管理信息系统"),
    "lists:read": _l("读取已发布清单"),
    "tasks:read": _l("读取整改台账"),
    "tasks:write": _l("维护整改台账"),
}
MAX_DAYS = 3650


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create(
    session: Session,
    creator: Actor,
    user: ConsoleUser | None,
    name: str,
    kind: str,
    scopes: list[str],
    days: int | None = None,
) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it with its secret (shown once, never stored)."""
    permissions.ensure(creator, "manage_api_tokens")
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise DomainError(_("请填写令牌名称（不超过 100 个字）。"))
    if user is None or not user.active:
        raise DomainError(_("请选择一个启用中的账号。"))
    if permissions.holds(user, "second_factor"):
        # A token would skip the administrators' second factor (and let one administrator
        # act as another: 三权分立); they work on the pages.
        raise DomainError(_("管理员账号须经两步验证登录，不能使用接口令牌。"))
    if kind not in TOKEN_KIND:
        raise DomainError(_("令牌类型无效。"))
    wanted = [s for s in dict.fromkeys(scopes) if s]
    if not wanted or any(s not in SCOPES for s in wanted):
        raise DomainError(_("请至少选择一项有效的权限范围。"))
    if days is not None and not 1 <= days <= MAX_DAYS:
        raise DomainError(_("有效期应为 1 到 {n} 天。").format(n=MAX_DAYS))
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        name=name,
        kind=kind,
        user_id=user.id,
        scopes=",".join(wanted),
        prefix=secret[:10],
        token_hash=digest(secret),
        created_by_id=creator.id,
        expires_at=utcnow() + timedelta(days=days) if days else None,
    )
    session.add(token)
    session.flush()
    audit.record_event(
        session,
        "api_token",
        record_type="api_token",
        record_id=token.id,
        summary=_("创建接口令牌：{name}（{user}）").format(name=name, user=user.username),
        changes={"scopes": [None, token.scopes], "user": [None, user.username]},
    )
    return token, secret


def revoke(session: Session, revoker: Actor, token_id: int) -> ApiToken:
    permissions.ensure(revoker, "manage_api_tokens")
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFoundError(_("记录不存在。"))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        token.revoked_by_id = revoker.id
        audit.record_event(
            session,
            "api_token",
            record_type="api_token",
            record_id=token.id,
            summary=_("吊销接口令牌：{name}").format(name=token.name),
        )
        session.flush()
    return token


def find(session: Session, secret: str) -> ApiToken | None:
    """The active token whose secret is `secret` (of an active user), else None."""
    if not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    token = session.scalars(select(ApiToken).where(ApiToken.token_hash == digest(secret))).first()
    if token is None or not token.is_active or not token.user.active:
        return None
    return token


def all_tokens(session: Session) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).order_by(ApiToken.created_at.desc())))
