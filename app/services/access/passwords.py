"""Password rules for local accounts (等保 2.0 level 3): length, character classes, age, reuse.

Directory (LDAP) users' passwords belong to the directory's own policy.

`set_password()` is the one way a local password changes (the user's own change, a forced
change, the security administrator's reset, FAB's CLI and security manager): it checks the
rules, keeps the hashes of the last passwords, and ends every session of the user. Like every
service it flushes and leaves the commit to its caller.

Age: a password set by someone else (a new account, a reset) must be changed at the next login,
whatever PASSWORD_MAX_AGE_DAYS says; otherwise a password older than PASSWORD_MAX_AGE_DAYS days
must be changed. PASSWORD_MAX_AGE_DAYS=0 means no periodic change (not "skip forced changes").
"""

import secrets
from datetime import timedelta

from flask import current_app
from flask_appbuilder.exceptions import PasswordComplexityValidationError
from flask_babel import gettext as _
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from app.models import ConsoleUser, PasswordHistory
from app.models.base import utcnow
from app.services.errors import PasswordRejected

MIN_LENGTH = 8
MAX_LENGTH = 128
CLASSES = (str.islower, str.isupper, str.isdigit)
# The new password may equal none of the last HISTORY ones (the current one included).
HISTORY = 5


def problems(password: str | None) -> list[str]:
    """What is wrong with `password` for a local account; empty when it is acceptable."""
    found = []
    if len(password or "") < MIN_LENGTH:
        found.append(_("至少 {n} 个字符").format(n=MIN_LENGTH))
    if len(password or "") > MAX_LENGTH:
        found.append(_("不超过 {n} 个字符").format(n=MAX_LENGTH))
    kinds = sum(any(test(c) for c in password or "") for test in CLASSES)
    kinds += any(not c.isalnum() for c in password or "")
    if kinds < 3:
        found.append(_("包含大写字母、小写字母、数字、特殊字符中的至少三类"))
    return found


def policy_message(found: list[str]) -> str:
    return _("密码不符合要求：{rules}。").format(rules="；".join(found))


def fab_validator(password: str | None) -> None:
    """FAB_PASSWORD_COMPLEXITY_VALIDATOR: FAB's password forms call this."""
    found = problems(password)
    if found:
        raise PasswordComplexityValidationError(policy_message(found))


def hash_password(password: str) -> str:
    cfg = current_app.config
    return generate_password_hash(
        password,
        method=cfg.get("FAB_PASSWORD_HASH_METHOD", "scrypt"),
        salt_length=cfg.get("FAB_PASSWORD_HASH_SALT_LENGTH", 16),
    )


def ensure_acceptable(password: str | None) -> None:
    """PasswordRejected unless `password` meets the policy."""
    found = problems(password)
    if found:
        raise PasswordRejected(policy_message(found))


def _history(session, user):
    if user.id is None:
        return []
    return (
        session.query(PasswordHistory)
        .filter_by(user_id=user.id)
        .order_by(PasswordHistory.id.desc())
        .all()
    )


def set_password(session: Session, user: ConsoleUser, password: str, by_self: bool) -> None:
    """Give `user` the new `password` (checked), keep the old hash, end all their sessions.

    `by_self`: the user chose it (the age restarts); otherwise (a reset by the security
    administrator or a command) it must be changed at the next login.
    """
    from app.services.trail import audit

    ensure_acceptable(password)
    earlier = _history(session, user)
    recent = ([user.password] if user.password else []) + [h.password_hash for h in earlier]
    if any(check_password_hash(h, password) for h in recent[:HISTORY]):
        raise PasswordRejected(_("新密码不能与最近 {n} 次使用过的密码相同。").format(n=HISTORY))
    if user.password and user.id is not None:
        session.add(PasswordHistory(user_id=user.id, password_hash=user.password))
        for old in earlier[HISTORY - 2 :]:  # keep HISTORY - 1 besides the current one
            session.delete(old)
    user.password = hash_password(password)
    user.password_changed_at = utcnow() if by_self else None
    user.session_nonce = secrets.token_hex(16)  # every copy of the user's cookie stops working
    audit.record_event(
        session,
        "password",
        record_type="ab_user",
        record_id=user.id,
        summary=user.username,
        changes={"password": [None, "changed" if by_self else "reset"]},
        department_id=user.department_id,
    )
    session.flush()


def check_current(user: ConsoleUser, password: str | None) -> None:
    """PasswordRejected unless `password` is the user's current one."""
    if not password or not user.password or not check_password_hash(user.password, password):
        raise PasswordRejected(_("当前密码不正确，密码未修改。"))


def must_change(user: ConsoleUser) -> bool:
    """A local account whose password was set by someone else, or is too old, must change it.

    PASSWORD_MAX_AGE_DAYS <= 0 turns off the periodic change only: a password set by someone
    else (new account, reset) must still be changed at the next login.
    """
    if getattr(user, "source", "local") != "local":
        return False
    changed = user.password_changed_at
    if changed is None:
        return True
    max_age = current_app.config.get("PASSWORD_MAX_AGE_DAYS", 90)
    return max_age > 0 and utcnow() - changed > timedelta(days=max_age)


is_expired = must_change
