"""Trained before access (measures art. 18): the roles `TRAINED_ROLES` (流程管理员, 办理人 and
审核员, as the article names them) are granted only to people with a passed training assessment
that has not expired (TRAINING_VALID_DAYS, default one year, unless the record names its own
end).

- `ensure_may_grant` refuses a new grant of such a role without a valid record (the account
  pages call it for the roles an edit adds; filing a handler checks the same record);
- `suspend_expired` takes such a role away from an account whose record expired, with a
  notice and an audit event, never silently (at directory login and by `flask hall-sync`);
- `due_for_retraining` lists the holders whose record has expired or expires within
  `TRAINING_WARN_DAYS`, for the hall's to-do list.

Nothing here commits.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import ConsoleUser, TrainingRecord
from app.services.access.permissions import TRAINED_ROLES
from app.services.errors import DomainError
from app.services.trail import audit


def _config(name: str, default: int) -> int:
    return int(current_app.config.get(name, default)) if has_app_context() else default


def valid_until(record: TrainingRecord) -> date:
    """The last day `record` is valid: its own end, else its date plus TRAINING_VALID_DAYS."""
    days = _config("TRAINING_VALID_DAYS", 365)
    return record.valid_until or record.session_date + timedelta(days=days)


def latest_passed(session: Session, username: str) -> TrainingRecord | None:
    """The person's passed assessment that stays valid longest, or None."""
    records = session.scalars(
        select(TrainingRecord).where(
            TrainingRecord.username == username, TrainingRecord.passed.is_(True)
        )
    )
    return max(records, key=valid_until, default=None)


def valid_training(
    session: Session, username: str, today: date | None = None
) -> TrainingRecord | None:
    """The person's passed assessment that has not expired on `today`, or None."""
    record = latest_passed(session, username)
    if record is None or valid_until(record) < (today or date.today()):
        return None
    return record


def _names(granted: Iterable) -> set[str]:
    return {getattr(role, "name", role) for role in granted}


def ensure_may_grant(session: Session, username: str, added_roles: Iterable) -> None:
    """Refuse giving `username` a trained role without a valid passed assessment."""
    wanted = sorted(_names(added_roles) & set(TRAINED_ROLES))
    if not wanted or valid_training(session, username) is not None:
        return
    record = latest_passed(session, username)
    why = (
        _("其培训考核已于 {day} 过期").format(day=valid_until(record).isoformat())
        if record is not None
        else _("没有培训考核合格记录")
    )
    raise DomainError(
        _("“{name}”{why}，不能授予{roles}角色（办法第十八条）。").format(
            name=username, why=why, roles="、".join(wanted)
        )
    )


def suspend_expired(session: Session, user: ConsoleUser) -> list[str]:
    """Take the trained roles away from `user` when their assessment is not valid; returns the
    role names taken, each announced on the user's notices and in the audit trail."""
    held = [r for r in user.roles if r.name in TRAINED_ROLES]
    if not held or valid_training(session, user.username) is not None:
        return []
    names = [r.name for r in held]
    user.roles = [r for r in user.roles if r.name not in TRAINED_ROLES]
    notice = _(
        "您的培训考核已过期或没有合格记录，{roles}角色已暂停；请参加培训并通过考核后联系信息中心恢复。"
    ).format(roles="、".join(names))
    user.notices = [*getattr(user, "notices", []), notice]
    audit.record_event(
        session,
        "permission",
        record_type="ab_user",
        record_id=user.id,
        summary=_("培训考核过期，暂停角色：{user}").format(user=user.username),
        changes={"roles": [names, None]},
        department_id=user.department_id,
    )
    return names


def suspend_all_expired(session: Session, today: date | None = None) -> dict[str, list[str]]:
    """{username: roles taken} for every holder whose assessment has expired (for cron)."""
    taken = {}
    for due in due_for_retraining(session, today):
        if due.until is None or due.until < (today or date.today()):
            names = suspend_expired(session, due.user)
            if names:
                taken[due.user.username] = names
    return taken


@dataclass(frozen=True)
class Due:
    """A holder of a trained role whose assessment has expired or expires soon."""

    user: ConsoleUser
    roles: tuple[str, ...]
    until: date | None  # None: no passed assessment at all

    @property
    def expired(self) -> bool:
        return self.until is None or self.until < date.today()


def due_for_retraining(session: Session, today: date | None = None) -> list[Due]:
    """Holders of a trained role whose assessment expired or ends within TRAINING_WARN_DAYS,
    soonest first (no record first)."""
    today = today or date.today()
    horizon = today + timedelta(days=_config("TRAINING_WARN_DAYS", 30))
    holders = session.scalars(
        select(ConsoleUser)
        .where(ConsoleUser.active.is_(True))
        .where(ConsoleUser.roles.any(_role_name_in(TRAINED_ROLES)))
        .order_by(ConsoleUser.username)
    )
    found = []
    for user in holders:
        record = latest_passed(session, user.username)
        until = valid_until(record) if record is not None else None
        if until is None or until <= horizon:
            roles = tuple(r.name for r in user.roles if r.name in TRAINED_ROLES)
            found.append(Due(user, roles, until))
    found.sort(key=lambda d: (d.until is not None, d.until or today))
    return found


def _role_name_in(names):
    from flask_appbuilder.security.sqla.models import Role

    return Role.name.in_(names)
