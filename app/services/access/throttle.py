"""Failed logins counted per account AND source address together.

Someone typing wrong passwords under a colleague's name from their own machine locks that name
for their own address only; the colleague logs in from theirs as usual. For each (name,
address) pair, in the database so that every worker sees it:

- after each failure the next attempt waits LOGIN_DELAY_SECONDS × 2^(n-1) (at most
  LOGIN_DELAY_MAX_SECONDS): earlier attempts are refused without checking the password;
- from CAPTCHA_AFTER_FAILURES failures on, an image challenge (app/security/captcha_image.py
  draws it) must be answered first; its answer is kept as a keyed hash and works once;
- LOCKOUT_THRESHOLD failures lock the pair for LOCKOUT_MINUTES;
- failures older than LOCKOUT_MINUTES are forgotten; a successful login clears its pair.

Like every service it never commits.
"""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy.orm import Session

from app.models import LoginThrottle
from app.models.base import utcnow
from app.services.trail import audit

# Letters and digits that cannot be mistaken for one another in the image (no 0/O, 1/I/L, 2/Z).
CHALLENGE_ALPHABET = "ACDEFHJKMNPRTUVWXY34679"
CHALLENGE_LENGTH = 4


def _cfg(name: str, default: int) -> int:
    return int(current_app.config.get(name, default))


def source_of(ip: str | None) -> str:
    return (ip or "")[:64]


def pair(
    session: Session, username: str, ip: str | None, create: bool = False
) -> LoginThrottle | None:
    """The counter of `username` from `ip` (created when `create`), failures past their time
    forgotten."""
    name, source = (username or "").lower()[:128], source_of(ip)
    row = session.query(LoginThrottle).filter_by(username=name, source=source).first()
    if row is None and create:
        row = LoginThrottle(username=name, source=source, failures=0)
        session.add(row)
    if row is not None and row.failures and not is_locked(row):
        forget_after = timedelta(minutes=_cfg("LOCKOUT_MINUTES", 30))
        if row.last_failure_at is None or row.last_failure_at < utcnow() - forget_after:
            row.failures = 0
            row.locked_until = None
            row.challenge_hash = None
    return row


def is_locked(row: LoginThrottle | None) -> bool:
    return row is not None and row.locked_until is not None and row.locked_until > utcnow()


def wait_seconds(row: LoginThrottle | None) -> int:
    """Seconds before this pair may try again (0: now)."""
    base = _cfg("LOGIN_DELAY_SECONDS", 1)
    if row is None or not row.failures or not base or row.last_failure_at is None:
        return 0
    delay = min(base * 2 ** (row.failures - 1), _cfg("LOGIN_DELAY_MAX_SECONDS", 60))
    left = (row.last_failure_at + timedelta(seconds=delay) - utcnow()).total_seconds()
    return max(0, int(left + 0.999))


def needs_challenge(row: LoginThrottle | None) -> bool:
    after = _cfg("CAPTCHA_AFTER_FAILURES", 3)
    return bool(after) and row is not None and row.failures >= after


def record_failure(session: Session, username: str, ip: str | None) -> LoginThrottle:
    """Count one failure of the pair; lock it at the threshold. Returns the row."""
    row = pair(session, username, ip, create=True)
    row.failures = (row.failures or 0) + 1
    row.last_failure_at = utcnow()
    row.challenge_hash = None
    if row.failures >= _cfg("LOCKOUT_THRESHOLD", 5):
        row.locked_until = utcnow() + timedelta(minutes=_cfg("LOCKOUT_MINUTES", 30))
    return row


def clear(session: Session, username: str, ip: str | None) -> None:
    """A successful login from `ip`: its pair starts afresh (other addresses keep theirs)."""
    row = pair(session, username, ip)
    if row is not None:
        row.failures = 0
        row.locked_until = None
        row.challenge_hash = None


def unlock(session: Session, username: str) -> None:
    """Clear every address's failures and lock of a name (the security administrator's
    action, audited)."""
    for row in session.query(LoginThrottle).filter_by(username=username.lower()):
        row.failures = 0
        row.locked_until = None
        row.challenge_hash = None
    audit.record_event(
        session,
        "permission",
        record_type="ab_user",
        summary=username,
        changes={"unlocked": [None, username]},
    )


def _digest(answer: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, answer.strip().upper().encode(), hashlib.sha256).hexdigest()


def new_answer() -> str:
    return "".join(secrets.choice(CHALLENGE_ALPHABET) for _ in range(CHALLENGE_LENGTH))


def issue_challenge(session: Session, username: str, ip: str | None) -> str | None:
    """A fresh answer for the pair's image (the previous one stops working), or None when the
    pair needs no challenge."""
    row = pair(session, username, ip)
    if not needs_challenge(row):
        return None
    answer = new_answer()
    row.challenge_hash = _digest(answer)
    return answer


def passes_challenge(row: LoginThrottle, answer: str | None) -> bool:
    """Whether `answer` is the one of the image last shown to the pair; works once."""
    expected, row.challenge_hash = row.challenge_hash, None
    if not expected or not answer:
        return False
    return hmac.compare_digest(expected, _digest(answer))


def first_failure_mail_due(session: Session, username: str, row: LoginThrottle) -> bool:
    """True once per pair when it reaches the challenge threshold, and at most once per
    FAILURE_MAIL_MINUTES for the account whatever the address (no mail flood)."""
    after = _cfg("CAPTCHA_AFTER_FAILURES", 3) or _cfg("LOCKOUT_THRESHOLD", 5)
    if row.failures != after:
        return False
    since: datetime = utcnow() - timedelta(minutes=_cfg("FAILURE_MAIL_MINUTES", 60))
    recent = (
        session.query(LoginThrottle)
        .filter(LoginThrottle.username == username.lower(), LoginThrottle.notified_at > since)
        .first()
    )
    return recent is None
