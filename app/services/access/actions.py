"""The building blocks of `permissions.ACTIONS`: the `Action` row and the checks on a record's
state that an action may require (each returns a refusal message or None)."""

from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.models.choices import WORKFLOW_STATUS
from app.models.ownership import owner
from app.models.user import Actor

Pair = tuple[str, str]
Check = Callable[[object, object], str | None]


def not_offline(user: Actor | None, record: object) -> str | None:
    if getattr(owner(record), "is_offline", False):
        return _("该事项已下线，只能查看。")
    return None


def not_submitted(user: Actor | None, record: object) -> str | None:
    if getattr(owner(record), "status", None) == WORKFLOW_STATUS.SUBMITTED:
        return _("该记录已提交审核，请先撤回再修改。")
    return None


def not_own_submission(user: Actor | None, record: object) -> str | None:
    if getattr(record, "submitted_by_id", None) == getattr(user, "id", None):
        return _("不能审核自己提交的记录。")
    return None


@dataclass(frozen=True)
class Action:
    """One thing a user may do: who holds it, what FAB grants it needs, how a refusal reads."""

    roles: frozenset
    grants: tuple[Pair, ...] = ()
    denied: str = _l("您的角色不能执行此操作。")
    checks: tuple[Check, ...] = ()
    # Roles that may stand in for `roles` while the setting named here is on (signed as such).
    stand_in: frozenset = frozenset()
    stand_in_setting: str | None = None
    stand_in_denied: str = _l("信息中心管理员不能审核记录。")
    # Roles per record type where a record type is kept by other roles than the action's.
    roles_by_model: dict = field(default_factory=dict)
