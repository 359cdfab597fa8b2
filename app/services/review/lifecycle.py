"""Lifecycle of a service item on the online service hall (measures art. 8-12).

入驻申请 by the owning unit -> the party & administration office approves or returns it, signed
-> the IT office develops -> the owning unit tests and accepts it (with its record) -> training
and publicity (date and attachment) -> every unit in the item's nodes confirms through its own
process administrator, every node has a filed handler, the offline emergency plan is written
and the item is not 涉密 -> the IT office takes it online (running status 良好). A change
request follows the same path in its own states while the running version stays live; an
offline request, once approved, is carried out by the IT office. An offline item keeps all its
data and versions, is read-only, leaves the public lists, and still counts in statistics.

Each move is one row of `MOVES`; who may make it is declared in `permissions.ACTIONS` under
the same name. Every move writes a timeline step (`HallStep`) and its audit event, and leaves
the commit to the caller.
"""

from datetime import date
from typing import NamedTuple

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.models import ConsoleUser, ServiceItem
from app.models.choices import LIFECYCLE, RUNNING_STATUS, WORKFLOW_STATUS
from app.models.service_item import OFFLINE
from app.services.access import permissions
from app.services.errors import DomainError, InvalidTransitionError
from app.services.review import hall, workflow
from app.services.trail import audit


class Move(NamedTuple):
    steps: dict  # {source state: target state}
    label: object
    note_required: bool = False
    opens: str | None = None  # the kind of request the move files with the office
    decides: str | None = None  # the office's signed decision on the open request
    form: str = "note"  # what the page asks for: "note", "request", "signed" or "training"


LIVE_CHANGE = {
    "change_requested",
    "change_approved",
    "change_development",
    "change_acceptance",
    "change_accepted",
    "change_confirming",
}
# States in which the item runs on the hall (a change in progress keeps the running version).
LIVE_STATES = frozenset({"online", "offline_requested", "offline_approved"} | LIVE_CHANGE)

MOVES = {
    "request_onboarding": Move(
        {"planned": "onboarding_requested"}, _l("申请入驻"), True, "onboarding", form="request"
    ),
    "approve_onboarding": Move(
        {"onboarding_requested": "onboarding_approved"},
        _l("批准入驻并签名"),
        decides="approved",
        form="signed",
    ),
    "reject_onboarding": Move(
        {"onboarding_requested": "planned"},
        _l("退回入驻申请并签名"),
        True,
        decides="returned",
        form="signed",
    ),
    "start_development": Move(
        {"onboarding_approved": "in_development", "change_approved": "change_development"},
        _l("开始开发"),
    ),
    "deliver": Move(
        {"in_development": "acceptance", "change_development": "change_acceptance"},
        _l("开发完成，提交测试验收"),
    ),
    "accept": Move(
        {"acceptance": "accepted", "change_acceptance": "change_accepted"},
        _l("测试验收通过"),
        True,
    ),
    "reject_acceptance": Move(
        {"acceptance": "in_development", "change_acceptance": "change_development"},
        _l("验收不通过"),
        True,
    ),
    "record_training": Move(
        {"accepted": "confirming", "change_accepted": "change_confirming"},
        _l("登记培训与宣传"),
        form="training",
    ),
    "go_live": Move({"confirming": "online", "change_confirming": "online"}, _l("正式上线")),
    "request_change": Move(
        {"online": "change_requested"}, _l("申请变更"), True, "change", form="request"
    ),
    "approve_change": Move(
        {"change_requested": "change_approved"},
        _l("批准变更并签名"),
        decides="approved",
        form="signed",
    ),
    "reject_change": Move(
        {"change_requested": "online"},
        _l("退回变更申请并签名"),
        True,
        decides="returned",
        form="signed",
    ),
    "request_offline": Move(
        {"online": "offline_requested"}, _l("申请下线"), True, "offline", form="request"
    ),
    "approve_offline": Move(
        {"offline_requested": "offline_approved"},
        _l("批准下线并签名"),
        decides="approved",
        form="signed",
    ),
    "reject_offline": Move(
        {"offline_requested": "online"},
        _l("退回下线申请并签名"),
        True,
        decides="returned",
        form="signed",
    ),
    "take_offline": Move({"offline_approved": OFFLINE}, _l("执行下线")),
}


class Evidence(NamedTuple):
    """What a move may carry besides its note: the signer's password, the requester's
    declaration that nothing 涉密 is uploaded, the training date and attachment."""

    password: str = ""
    no_classified: bool = False
    event_date: date | None = None
    attachment_name: str | None = None
    attachment_type: str | None = None
    attachment: bytes | None = None


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
        "onboarding_requested": _("已申请入驻网上服务大厅，等待党政办公室批准"),
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
        if item.lifecycle in step.steps and permissions.can(user, name, item)
    ]


def move(
    session: Session,
    item: ServiceItem,
    user: ConsoleUser,
    action: str,
    note: str | None = None,
    evidence: Evidence | None = None,
) -> None:
    """Make one lifecycle move with what it requires; refuse it, changing nothing, otherwise."""
    if action not in MOVES:
        raise InvalidTransitionError(_("未知的操作。"))
    step = MOVES[action]
    evidence = evidence or Evidence()
    permissions.ensure(user, action, item)
    if item.lifecycle not in step.steps:
        raise InvalidTransitionError(
            _("事项当前为“{state}”，不能“{action}”。请刷新页面。").format(
                state=LIFECYCLE.label(item.lifecycle), action=step.label
            )
        )
    note = (note or "").strip()
    if step.note_required and not note:
        raise DomainError(_("请填写说明（申请理由、验收记录或退回原因）。"))
    _check(session, item, action, evidence)
    signature = None
    if step.opens:
        hall.open_request(session, item, user, step.opens, note, evidence.no_classified)
    if step.decides:
        signature = hall.decide_request(session, item, user, step.decides, note, evidence.password)
    old, target = item.lifecycle, step.steps[item.lifecycle]
    item.lifecycle = target
    item.lifecycle_note = note or item.lifecycle_note
    changes = {"lifecycle": [old, target], **({"note": [None, note]} if note else {})}
    if action == "go_live" and item.running_status != RUNNING_WHEN_ONLINE:
        changes["running_status"] = [item.running_status, RUNNING_WHEN_ONLINE]
        item.running_status = RUNNING_WHEN_ONLINE
    if target == OFFLINE:
        _leave_lists(session, item)
    hall.add_step(session, item, user, action, old, target, note, evidence, signature)
    audit.record_event(
        session,
        "transition",
        item,
        changes=changes,
        summary=_("{move}：{item}").format(move=step.label, item=item),
    )
    session.flush()


def _check(session, item, action, evidence):
    """What a move needs beyond its state and role (measures art. 6, 10, 16)."""
    problems = []
    if action == "request_onboarding" and item.classified:
        problems.append(_("涉密事项不能申请入驻网上办事大厅。"))
    if MOVES[action].opens and not evidence.no_classified:
        problems.append(_("请确认申请材料中不含涉密信息。"))
    if action == "record_training":
        if evidence.event_date is None:
            problems.append(_("请填写培训与宣传日期。"))
        if not evidence.attachment:
            problems.append(_("请上传培训与宣传的附件（通知、签到表或宣传材料）。"))
    if action == "go_live":
        problems += hall.go_live_blockers(session, item)
    if action == "request_change":
        problems += hall.handler_gaps(session, item)
    if problems:
        raise DomainError("；".join(str(p) for p in problems))


def _leave_lists(session, item):
    """Offline items drop out of the published lists; their versions stay for query."""
    with session.no_autoflush:
        workflow.retire_versions(session, "service_item", item.id)
