"""Rules that run before a record is created, changed or deleted through any form or import.

They combine the department scope, the workflow (editing a returned or approved record makes it
a draft again) and the lifecycle (an offline item is read-only). Each leaves the commit open.
"""

from flask_babel import gettext as _

from app.models import Material, ProcessNode, ServiceItem
from app.services.access import scope
from app.services.errors import PermissionDeniedError
from app.services.review import lifecycle, workflow

CHILDREN = (Material, ProcessNode)


def _owner(record):
    return record.item if isinstance(record, CHILDREN) else record


def _is_department_record(record):
    return isinstance(record, scope.DEPARTMENT_MODELS + CHILDREN)


def before_create(session, record, user):
    if not _is_department_record(record):
        return
    if isinstance(record, CHILDREN):
        scope.ensure_can_edit(user, record.item)
        workflow.revise(session, record.item, user)
        return
    scope.ensure_can_write_department(user, scope.record_department_id(record))
    if isinstance(record, ServiceItem):
        record.lifecycle = lifecycle.initial_lifecycle(record)


def before_update(session, record, user):
    if not _is_department_record(record):
        return
    scope.ensure_can_edit(user, record)
    owner = _owner(record)
    if not isinstance(record, CHILDREN):
        scope.ensure_can_write_department(user, scope.record_department_id(record))
    if owner.__table__.name in workflow.REVIEWABLE:
        workflow.revise(session, owner, user)


def before_delete(session, record, user):
    if not _is_department_record(record):
        return
    scope.ensure_can_edit(user, record)
    if isinstance(record, CHILDREN):
        workflow.revise(session, record.item, user)
    elif getattr(record, "approved_version_no", None):
        raise PermissionDeniedError(
            _("已审核通过的记录不能删除；服务事项请走“申请下线”，其他记录请修改后重新提交。")
        )
