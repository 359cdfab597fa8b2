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
from app.models.choices import LIFECYCLE, RUNNING_STATUS, WORKFLOW_STATUS
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


# Where a surveyed item starts on the service hall, by its running status: the lifecycle is
# the one source of truth for "is it online", so 待改进 (system built, not yet in use) waits for
# the department's acceptance instead of reading 已上线.
INITIAL_LIFECYCLE = {
    RUNNING_STATUS.GOOD: LIFECYCLE.ONLINE,
    RUNNING_STATUS.IMPROVE: LIFECYCLE.ACCEPTANCE,
    RUNNING_STATUS.DEPLOY: LIFECYCLE.PLANNED,
}
# Accepting an item online means it now runs fully online.
RUNNING_WHEN_ONLINE = RUNNING_STATUS.GOOD


def initial_lifecycle(item: ServiceItem) -> str:
    """A surveyed item runs online only when 良好; 待改进 awaits acceptance; 待部署 is planned."""
    return INITIAL_LIFECYCLE.get(item.running_status, LIFECYCLE.PLANNED)


def standing(item: ServiceItem) -> str:
    """One plain sentence of where the item stands: its lifecycle, review and publication."""
    hall = {
        "planned": _("尚未上线，待申请入驻网上服务大厅"),
        "onboarding_requested": _("已申请入驻网上服务大厅，等待信息中心批准"),
        "onboarding_approved": _("已批准入驻，等待开发"),
        "in_development": _("线上功能开发中"),
        "acceptance": _("系统已搭建，待部门验收后上线（尚未实际启用）"),
        "online": _("已在网上服务大厅上线运行"),
        "change_requested": _("已上线，变更申请审批中"),
        "offline_requested": _("已上线，下线申请审批中"),
        "offline": _("已下线"),
    }.get(item.lifecycle, LIFECYCLE.label(item.lifecycle))
    if item.approved_version_no:
        sheet = _("一事一单第 {n} 版已审核通过").format(n=item.approved_version_no)
        if item.status != WORKFLOW_STATUS.APPROVED:
            sheet += _("，当前修改{status}").format(status=WORKFLOW_STATUS.label(item.status))
    else:
        sheet = _("一事一单{status}，尚无审核通过的版本").format(
            status=WORKFLOW_STATUS.label(item.status)
        )
    return _("本事项{hall}；{sheet}。").format(hall=hall, sheet=sheet)


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
    changes = {"lifecycle": [old, target], "note": [None, note or None]}
    if target == "online" and item.running_status != RUNNING_WHEN_ONLINE:
        changes["running_status"] = [item.running_status, RUNNING_WHEN_ONLINE]
        item.running_status = RUNNING_WHEN_ONLINE
    if target == OFFLINE:
        _leave_lists(session, item)
    audit.record_event(
        session,
        "transition",
        item,
        changes=changes,
        summary=_("{move}：{item}").format(move=label, item=item),
    )
    session.flush()


def _leave_lists(session, item):
    """Offline items drop out of the published lists; their versions stay for query."""
    with session.no_autoflush:
        workflow.retire_versions(session, "service_item", item.id)
