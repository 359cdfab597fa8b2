"""The steps every login path shares (the login form, the REST login, a CAS ticket): the
refusal that names nothing, the audit row of an attempt, a counted failure with the owner's
mail, the guard before any password is checked, the account by name, and the identity server
that cannot be reached. Like every service they never commit."""

import re
from typing import NoReturn

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app.models import ConsoleUser
from app.models.base import utcnow
from app.services.access import throttle
from app.services.errors import DirectoryDown, LoginDelayed, LoginRefused
from app.services.trail import audit, clock, mailer

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")


def generic_refusal() -> str:
    """The one answer to a wrong name or password (the same for both)."""
    return _("用户名或密码错误。")


def audit_attempt(
    session: Session,
    action: str,
    username: str | None,
    reason: str,
    user: ConsoleUser | None = None,
    ip: str | None = None,
) -> None:
    """One audit row of a login attempt, its name cleaned of control characters."""
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


def fail(
    session: Session,
    username: str,
    reason: str,
    user: ConsoleUser | None = None,
    ip: str | None = None,
    message: str | None = None,
) -> NoReturn:
    """Count a failure of (`username`, `ip`), audit it, mail the owner when due, and refuse."""
    cfg = current_app.config
    row = throttle.record_failure(session, username, ip)
    if throttle.is_locked(row):
        reason = f"{reason}; locked"
    audit_attempt(session, "login_failed", username, reason, user, ip)
    if user is not None and throttle.first_failure_mail_due(session, username, row):
        _mail_owner(user, row, cfg)
    session.flush()
    raise LoginRefused(
        message or generic_refusal(), reason, challenge=throttle.needs_challenge(row)
    )


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


def guard(
    session: Session,
    username: str,
    ip: str | None,
    challenge_answer: str | None,
    with_challenge: bool = True,
) -> None:
    """Refuse before any password is checked: a locked pair, one that must wait, one that
    must answer the image challenge first. None of these counts as a failure."""
    row = throttle.pair(session, username, ip)
    if throttle.is_locked(row):
        audit_attempt(session, "login_failed", username, "locked", ip=ip)
        session.flush()
        message = _("该账号因连续登录失败已被锁定 {m} 分钟，请稍后再试或联系信息中心解锁。")
        raise LoginRefused(
            message.format(m=current_app.config.get("LOCKOUT_MINUTES", 30)), "locked"
        )
    wait = throttle.wait_seconds(row)
    if wait:
        audit_attempt(session, "login_failed", username, "too soon", ip=ip)
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
        audit_attempt(session, "login_failed", username, reason, ip=ip)
        session.flush()
        text = _("验证码错误，请重新输入。") if challenge_answer else _("请输入图片中的验证码。")
        raise LoginRefused(text, reason, challenge=True)


def find_user(session: Session, username: str) -> ConsoleUser | None:
    """The account called `username`, whatever its case."""
    return (
        session.query(ConsoleUser)
        .filter(
            ConsoleUser.username.ilike(
                username.replace("%", r"\%").replace("_", r"\_"), escape="\\"
            )
        )
        .first()
    )


def unavailable(
    session: Session, username: str, reason: str, ip: str | None, error: Exception
) -> NoReturn:
    """Audit and say that the identity server (LDAP or CAS) cannot be reached."""
    audit_attempt(session, "login_failed", username, reason, ip=ip)
    session.flush()
    raise DirectoryDown(
        _("统一身份认证服务暂时无法连接，请稍后再试；紧急情况请联系信息中心。"), reason
    ) from error
