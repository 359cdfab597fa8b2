"""The local emergency administrator (LOCAL_ADMIN_USERS, 等保 8.1.4.2 b, ASVS 6.3.2).

- Its name cannot be one an attacker guesses first: `RESERVED_NAMES` (admin, administrator,
  root, ...) are refused in LOCAL_ADMIN_USERS at start-up (`check_config`) and for every local
  account, whichever command or screen creates it (`ensure_name_allowed`).
- It logs in only from LOCAL_ADMIN_NETWORKS (default loopback and the RFC 1918 private
  ranges), judged on the client address the login sees (`request.remote_addr`, behind the
  trusted proxies of PROXY_COUNT): from elsewhere `authentication` refuses it exactly like a
  wrong password, audited with its own reason (`from_trusted_network`).
- Each successful login of it is announced (`announce`): an audit event `emergency`, a mail to
  every security administrator (the `receive_security_alerts` action) through the configured
  SMTP server, and a notice on their home page (`recent_uses`, read back from the audit
  trail), each naming the time (in the display zone, Beijing time by default:
  `trail.clock`), the source address and the browser.

Its password follows the policy of every local account (`passwords`). Like every service it
never commits.
"""

import ipaddress
import json
from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app.models import AuditEntry, ConsoleUser
from app.models.base import utcnow
from app.services.access import permissions
from app.services.errors import DomainError
from app.services.trail import audit, clock, mailer

# Account names tried first by anyone guessing (FAB's create-admin suggests "admin").
RESERVED_NAMES = frozenset(
    {"admin", "administrator", "root", "superuser", "supervisor", "system", "sa", "guest"}
)
DEFAULT_NETWORKS = (
    "127.0.0.0/8",
    "::1/128",
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
)
USER_AGENT_MAX = 255
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class ConfigurationError(RuntimeError):
    """A setting of the emergency administrator that the console refuses to start with."""


def is_reserved(username: str | None) -> bool:
    return (username or "").strip().lower() in RESERVED_NAMES


def reserved_message(username: str) -> str:
    return _(
        "账号名“{name}”是常见的默认管理员账号名，容易被猜中，不能使用"
        "（等保要求重命名默认账户）；请换一个不易猜测的名称，例如 sysadmin 或带单位缩写的名称。"
    ).format(name=username)


def ensure_name_allowed(username: str | None) -> None:
    """DomainError when `username` is a reserved name (any local account, the emergency
    administrator first of all)."""
    if is_reserved(username):
        raise DomainError(reserved_message((username or "").strip()))


def parse_networks(value: str | Iterable[str]) -> list[Network]:
    """LOCAL_ADMIN_NETWORKS as networks: a comma-separated string or a list of CIDR blocks
    (a bare address is one host). ValueError names an entry that is not a network."""
    items = value.split(",") if isinstance(value, str) else list(value)
    return [ipaddress.ip_network(item.strip(), strict=False) for item in items if item.strip()]


def check_config(config: Mapping[str, Any]) -> None:
    """At start-up: ConfigurationError (in Chinese) for a reserved name in LOCAL_ADMIN_USERS or
    an unreadable LOCAL_ADMIN_NETWORKS."""
    reserved = [name for name in config.get("LOCAL_ADMIN_USERS", []) if is_reserved(name)]
    if reserved:
        raise ConfigurationError(
            _("LOCAL_ADMIN_USERS 设置有误：") + reserved_message("、".join(reserved))
        )
    try:
        parse_networks(config.get("LOCAL_ADMIN_NETWORKS", DEFAULT_NETWORKS))
    except ValueError as error:
        raise ConfigurationError(
            _(
                "LOCAL_ADMIN_NETWORKS 设置有误：{error}。应为以逗号分隔的网段，如 10.0.0.0/8。"
            ).format(error=error)
        ) from error


def from_trusted_network(ip: str | None) -> bool:
    """Whether the client address `ip` lies in LOCAL_ADMIN_NETWORKS (no address: no)."""
    try:
        address = ipaddress.ip_address((ip or "").strip())
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    networks = parse_networks(current_app.config.get("LOCAL_ADMIN_NETWORKS", DEFAULT_NETWORKS))
    return any(address.version == net.version and address in net for net in networks)


def security_admins(session: Session) -> list[ConsoleUser]:
    """The active accounts whose role receives security alerts (the security administrators)."""
    from flask_appbuilder.security.sqla.models import Role

    return (
        session.query(ConsoleUser)
        .filter(ConsoleUser.active.is_(True))
        .filter(
            ConsoleUser.roles.any(Role.name.in_(permissions.holders("receive_security_alerts")))
        )
        .order_by(ConsoleUser.id)
        .all()
    )


def _mail_admins(session, user, at, ip, user_agent):
    """Mail every security administrator who has an address; returns what happened, for the
    audit row ("sent to N", "not configured", "no recipient" or the server's error)."""
    cfg = current_app.config
    if not mailer.configured(cfg):
        return "not configured"
    recipients = sorted(
        {
            admin.email
            for admin in security_admins(session)
            if admin.email and not admin.email.endswith(".invalid")
        }
    )
    if not recipients:
        return "no recipient"
    app_name = cfg.get("APP_NAME", "")
    subject = _("【{app}】应急管理员账号 {username} 已登录").format(
        app=app_name, username=user.username
    )
    body = _(
        "各位安全管理员：\n\n“{app}”的本地应急管理员账号 {username} 刚刚登录成功。\n\n"
        "时间：{at}（{zone}）\n来源地址：{ip}\n浏览器：{agent}\n\n"
        "应急管理员账号只应在统一身份认证不可用等紧急情况下使用。如果这次登录不在预期之内，"
        "请立即重置该账号的密码和两步验证，并查看审计日志。\n"
    ).format(
        app=app_name,
        username=user.username,
        at=clock.text(at, clock.SECONDS),
        zone=clock.zone_label(),
        ip=ip or _("未知"),
        agent=user_agent or _("未知"),
    )
    messages = [mailer.message(cfg, [address], subject, body) for address in recipients]
    try:
        results = mailer.send(cfg, messages)
    except mailer.MailServerError as error:
        current_app.logger.warning("emergency login alert not mailed: %s", error)
        return f"failed: {error}"
    failed = [r for r in results if r]
    if failed:
        current_app.logger.warning("emergency login alert partly refused: %s", failed)
    return f"sent to {len(recipients) - len(failed)}"


def announce(session: Session, user: ConsoleUser, ip: str | None, user_agent: str | None) -> None:
    """Tell the security administrators that the emergency administrator `user` just logged in
    (mail, then the audit event their home page shows)."""
    at = utcnow()
    agent = (user_agent or "")[:USER_AGENT_MAX]
    mail = _mail_admins(session, user, at, ip, agent)
    audit.record_event(
        session,
        "emergency",
        record_type="ab_user",
        record_id=user.id,
        summary=user.username,
        changes={"user_agent": [None, agent], "mail": [None, mail]},
        username=user.username,
        ip=ip,
    )
    session.flush()


def recent_uses(session: Session, days: int = 7, limit: int = 10) -> list[dict[str, Any]]:
    """The emergency administrator's logins of the last `days` days, newest first: time (stored
    UTC; the page shows it in the display zone), account, source address and browser, for the
    security administrators' home page."""
    since = utcnow() - timedelta(days=days)
    rows = (
        session.query(AuditEntry)
        .filter(AuditEntry.action == "emergency", AuditEntry.at >= since)
        .order_by(AuditEntry.seq.desc())
        .limit(limit)
        .all()
    )
    uses = []
    for row in rows:
        changes = json.loads(row.changes or "{}")
        agent = (changes.get("user_agent") or [None, ""])[1]
        uses.append(
            {
                "at": row.at,
                "username": row.username or "",
                "ip": row.ip or "",
                "user_agent": agent or "",
            }
        )
    return uses
