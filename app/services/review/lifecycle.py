"""Lifecycle of a service item on the online service hall (measures art. 8-12).

onboarding request -> approved by the reviewer -> in development -> acceptance by the department
-> online; from online, a change request (back through development) or an offline request.
An offline item keeps all its data and versions, is read-only, leaves the public lists, and
still counts in statistics.
"""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.models.choices import LIFECYCLE
from app.models.service_item import OFFLINE
from app.security.roles import CONTACT, IT_ADMIN, REVIEWER
from app.services.access import scope
from app.services.errors import DomainError, InvalidTransitionError, PermissionDeniedError
from app.services.review import workflow
from app.services.trail import audit

DEPARTMENT = {CONTACT, IT_ADMIN}
OFFICE = {REVIEWER, IT_ADMIN}
# action -> (from, to, roles, label, note required)
MOVES = {
    "request_onboarding": ("planned", "onboarding_requested", DEPARTMENT, _l("申请入驻"), True),
    "approve_onboarding": (
        "onboarding_requested",
        "onboarding_approved",
        OFFICE,
        _l("批准入驻"),
        False,
    ),
    "reject_onboarding": ("onboarding_requested", "planned", OFFICE, _l("驳回入驻申请"), True),
    "start_development": (
        "onboarding_approved",
        "in_development",
        {IT_ADMIN},
        _l("开始开发"),
        False,
    ),
    "deliver": ("in_development", "acceptance", {IT_ADMIN}, _l("提交部门验收"), False),
    "accept": ("acceptance", "online", DEPARTMENT, _l("验收通过并上线"), False),
    "reject_acceptance": ("acceptance", "in_development", DEPARTMENT, _l("验收不通过"), True),
    "request_change": ("online", "change_requested", DEPARTMENT, _l("申请变更"), True),
    "approve_change": ("change_requested", "in_development", OFFICE, _l("批准变更"), False),
    "reject_change": ("change_requested", "online", OFFICE, _l("驳回变更申请"), True),
    "request_offline": ("online", "offline_requested", DEPARTMENT, _l("申请下线"), True),
    "approve_offline": ("offline_requested", "offline", OFFICE, _l("批准下线"), False),
    "reject_offline": ("offline_requested", "online", OFFICE, _l("驳回下线申请"), True),
}


def initial_lifecycle(item):
    """A surveyed item already runs online unless it is 待部署 (not yet online)."""
    return "planned" if item.running_status == "deploy" else "online"


def allowed_moves(item, user):
    roles = scope.role_names(user)
    if not scope.is_visible(user, item):
        return []
    return [
        name
        for name, (source, _to, who, _label, _note) in MOVES.items()
        if source == item.lifecycle and roles & who
    ]


def move(session, item, user, action, note=None):
    """Make one lifecycle move; requests and refusals need a note. Leaves the commit open."""
    if action not in MOVES:
        raise InvalidTransitionError(_("未知的操作。"))
    source, target, who, label, note_required = MOVES[action]
    scope.ensure_visible(user, item)
    if not scope.role_names(user) & who:
        raise PermissionDeniedError(_("您的角色不能执行此操作。"))
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
