"""Lifecycle of a service item on the online service hall (measures art. 8-12).

onboarding request -> approved by the reviewer -> in development -> acceptance by the department
-> online; from online, a change request (back through development) or an offline request.
An offline item keeps all its data and versions, is read-only, leaves the public lists, and
still counts in statistics.
"""

from typing import NamedTuple

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.models import ConsoleUser, ServiceItem
from app.models.choices import LIFECYCLE, RUNNING_STATUS
from app.models.service_item import OFFLINE
from app.services.access import permissions
from app.services.errors import DomainError, InvalidTransitionError
from app.services.review import workflow
from app.services.trail import audit


class Move(NamedTuple):
    source: str
    target: str
    label: str
    note_required: bool


# action -> Move; who may make each move is declared in permissions.ACTIONS under the same name.
MOVES = {
    "request_onboarding": Move("planned", "onboarding_requested", _l("申请入驻"), True),
    "approve_onboarding": Move(
        "onboarding_requested",
        "onboarding_approved",
        _l("批准入驻"),
        False,
    ),
    "reject_onboarding": Move("onboarding_requested", "planned", _l("驳回入驻申请"), True),
    "start_development": Move(
        "onboarding_approved",
        "in_development",
        _l("开始开发"),
        False,
    ),
    "deliver": Move("in_development", "acceptance", _l("提交部门验收"), False),
    "accept": Move("acceptance", "online", _l("验收通过并上线"), False),
    "reject_acceptance": Move("acceptance", "in_development", _l("验收不通过"), True),
    "request_change": Move("online", "change_requested", _l("申请变更"), True),
    "approve_change": Move("change_requested", "in_development", _l("批准变更"), False),
    "reject_change": Move("change_requested", "online", _l("驳回变更申请"), True),
    "request_offline": Move("online", "offline_requested", _l("申请下线"), True),
    "approve_offline": Move("offline_requested", "offline", _l("批准下线"), False),
    "reject_offline": Move("offline_requested", "online", _l("驳回下线申请"), True),
}


def initial_lifecycle(item: ServiceItem) -> str:
    """A surveyed item already runs online unless it is 待部署 (not yet online)."""
    return LIFECYCLE.PLANNED if item.running_status == RUNNING_STATUS.DEPLOY else LIFECYCLE.ONLINE


def allowed_moves(item: ServiceItem, user: ConsoleUser) -> list[str]:
    return [
        name
        for name, step in MOVES.items()
        if step.source == item.lifecycle and permissions.can(user, name, item)
    ]


def move(
    session: Session, item: ServiceItem, user: ConsoleUser, action: str, note: str | None = None
) -> None:
    """Make one lifecycle move; requests and refusals need a note. Leaves the commit open."""
    if action not in MOVES:
        raise InvalidTransitionError(_("未知的操作。"))
    source, target, label, note_required = MOVES[action]
    permissions.ensure(user, action, item)
    if item.lifecycle != source:
        raise InvalidTransitionError(
            _("事项当前为“{state}”，不能“{action}”。请刷新页面。").format(
                state=LIFECYCLE.label(item.lifecycle), action=label
            )
        )
    note = (note or "").strip()
    if note_required and not note:
        raise DomainError(_("请填写说明（申请理由或驳回原因）。"))
    old = item.lifecycle
    item.lifecycle = target
    item.lifecycle_note = note or item.lifecycle_note
    if target == OFFLINE:
        _leave_lists(session, item)
    audit.record_event(
        session,
        "transition",
        item,
        changes={"lifecycle": [old, target], "note": [None, note or None]},
        summary=f"{label}: {item}",
    )
    session.flush()


def _leave_lists(session, item):
    """Offline items drop out of the published lists; their versions stay for query."""
    with session.no_autoflush:
        workflow.retire_versions(session, "service_item", item.id)
