"""Second factor (TOTP, RFC 6238, pyotp) for the IT office's administrators and the local
emergency administrator (等保 8.1.4.1 d: two kinds of authentication, one of them
cryptographic).

Who needs it: the roles holding the `second_factor` action in permissions.ACTIONS, and the
accounts named in LOCAL_ADMIN_USERS. After the password, such a user enters the six digits of
their authenticator app (or a one-time recovery code); until then nothing else is reachable.
At the first login the secret is shown (QR code drawn on the server by segno, and as text) and
the enrolment is confirmed with a first code; ten recovery codes are then shown once and kept
only as keyed hashes. A code is accepted for its 30-second step and one step either side, and
never twice: the last accepted step is stored and only later ones pass (compare-and-set in
the database, so two workers cannot both accept one code). The security administrator resets
a user's second factor (audited); the user enrols again at the next login.

Like every service it never commits.
"""

import hashlib
import hmac
import secrets
import time

import pyotp
import segno
from flask import current_app
from sqlalchemy import or_, update
from sqlalchemy.orm import Session

from app.models import ConsoleUser, RecoveryCode
from app.models.base import utcnow
from app.models.user import Actor
from app.services.access import permissions
from app.services.trail import audit

RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
STEP_SECONDS = 30
VALID_WINDOW = 1  # steps accepted either side of now (clock drift of the phone)


def is_local_admin(username: str | None) -> bool:
    names = {n.lower() for n in current_app.config.get("LOCAL_ADMIN_USERS", [])}
    return (username or "").lower() in names


def required(user: ConsoleUser) -> bool:
    """Whether `user` must pass a second factor to log in."""
    return permissions.holds(user, "second_factor") or is_local_admin(user.username)


def enrolled(user: ConsoleUser) -> bool:
    return bool(user.totp_secret) and user.totp_enrolled_at is not None


def prepare(user: ConsoleUser) -> None:
    """Before the second step: a user not yet enrolled gets a fresh secret to enrol with (each
    password login draws a new one, so a secret seen earlier is worth nothing)."""
    if not enrolled(user):
        user.totp_secret = pyotp.random_base32()
        user.totp_enrolled_at = None
        user.totp_last_step = None


def provisioning_uri(user: ConsoleUser) -> str:
    issuer = current_app.config.get("TOTP_ISSUER") or current_app.config.get("APP_NAME", "")
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.username, issuer_name=issuer)


def qr_svg(user: ConsoleUser) -> str:
    """The enrolment QR code as an inline <svg> element (drawn here: no outside service)."""
    return segno.make(provisioning_uri(user), error="m").svg_inline(scale=5, border=2)


def _normal(code: str | None) -> str:
    return "".join((code or "").split()).replace("-", "").lower()


def verify_code(session: Session, user: ConsoleUser, code: str | None) -> bool:
    """Whether `code` is the TOTP of a step near now that was not used before; marks it used."""
    code = _normal(code)
    if not user.totp_secret or len(code) != 6 or not code.isdigit():
        return False
    totp = pyotp.TOTP(user.totp_secret)
    now_step = int(time.time() // STEP_SECONDS)
    for step in range(now_step - VALID_WINDOW, now_step + VALID_WINDOW + 1):
        if user.totp_last_step is not None and step <= user.totp_last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return _claim_step(session, user, step)
    return False


def _claim_step(session: Session, user: ConsoleUser, step: int) -> bool:
    """Store `step` as used unless another request stored it (or a later one) first."""
    result = session.execute(
        update(ConsoleUser)
        .where(
            ConsoleUser.id == user.id,
            or_(ConsoleUser.totp_last_step.is_(None), ConsoleUser.totp_last_step < step),
        )
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    user.totp_last_step = step
    return True


def _digest(code: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, b"recovery:" + _normal(code).encode(), hashlib.sha256).hexdigest()


def use_recovery_code(session: Session, user: ConsoleUser, code: str | None) -> bool:
    """Whether `code` is one of the user's unused recovery codes; it is used up."""
    if len(_normal(code)) != 10:
        return False
    result = session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _digest(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def verify(session: Session, user: ConsoleUser, code: str | None) -> str | None:
    """'totp' or 'recovery code' when `code` passes for an enrolled user, else None."""
    if not enrolled(user):
        return None
    if verify_code(session, user, code):
        return "totp"
    if use_recovery_code(session, user, code):
        return "recovery code"
    return None


def new_recovery_codes(session: Session, user: ConsoleUser) -> list[str]:
    """Ten fresh codes (shown once); the earlier ones stop working. Audited."""
    session.query(RecoveryCode).filter_by(user_id=user.id).delete(synchronize_session=False)
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        session.add(RecoveryCode(user_id=user.id, code_hash=_digest(raw)))
    _audit(session, user, "recovery codes issued")
    session.flush()
    return codes


def confirm_enrolment(session: Session, user: ConsoleUser, code: str | None) -> list[str] | None:
    """The first code from the app confirms the pending secret: the recovery codes, else None."""
    if enrolled(user) or not verify_code(session, user, code):
        return None
    user.totp_enrolled_at = utcnow()
    _audit(session, user, "enrolled")
    return new_recovery_codes(session, user)


def unused_recovery_codes(session: Session, user: ConsoleUser) -> int:
    return session.query(RecoveryCode).filter_by(user_id=user.id, used_at=None).count()


def reset(session: Session, actor: Actor, user: ConsoleUser) -> None:
    """The security administrator's reset: secret and recovery codes gone, every session of
    the user ended; the user enrols again at the next login. Audited."""
    permissions.ensure(actor, "reset_second_factor")
    user.totp_secret = None
    user.totp_enrolled_at = None
    user.totp_last_step = None
    user.session_nonce = secrets.token_hex(16)
    session.query(RecoveryCode).filter_by(user_id=user.id).delete(synchronize_session=False)
    audit.record_event(
        session,
        "permission",
        record_type="ab_user",
        record_id=user.id,
        summary=user.username,
        changes={"second_factor_reset": [None, user.username]},
    )
    session.flush()


def _audit(session: Session, user: ConsoleUser, what: str) -> None:
    audit.record_event(
        session,
        "second_factor",
        record_type="ab_user",
        record_id=user.id,
        summary=user.username,
        changes={"second_factor": [None, what]},
        username=user.username,
        department_id=user.department_id,
    )
