"""Rules that run before a record is created, changed or deleted through any form or import.

They combine the department scope, the workflow (editing a returned or approved record makes it
a draft again) and the lifecycle (an offline item is read-only). Each leaves the commit open.
"""

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app.models import Material, ProcessNode, ServiceItem, labels
from app.models.ownership import ITEM_CHILD_MODELS, department_id_of, is_department_record, owner
from app.models.user import Actor
from app.models.validators import position_taken
from app.services.access import permissions, scope
from app.services.errors import ConflictError, DomainError, PermissionDeniedError
from app.services.review import lifecycle, workflow


def before_create(session: Session, record: object, user: Actor) -> None:
    if not is_department_record(record):
        return
    if isinstance(record, ITEM_CHILD_MODELS):
        permissions.ensure(user, "edit", record.item)
        ensure_free_position(session, record)
        workflow.revise(session, record.item, user)
        return
    scope.ensure_can_write_department(user, department_id_of(record))
    permissions.ensure(user, "edit", record)
    if isinstance(record, ServiceItem):
        record.lifecycle = lifecycle.initial_lifecycle(record)


def before_update(session: Session, record: object, user: Actor) -> None:
    if not is_department_record(record):
        return
    permissions.ensure(user, "edit", record)
    if isinstance(record, ITEM_CHILD_MODELS):
        ensure_free_position(session, record)
    else:
        scope.ensure_can_write_department(user, department_id_of(record))
    governing = owner(record)
    if governing.__table__.name in workflow.REVIEWABLE:
        workflow.revise(session, governing, user)


def ensure_free_position(session: Session, child: Material | ProcessNode) -> None:
    """A material's 序号 or a node's 顺序 is unique within its item (the import's rule too)."""
    item = child.item
    if item is None or child.position is None:
        return
    with session.no_autoflush:  # the child is not added yet: read the item's list as stored
        siblings = list(item.materials if isinstance(child, Material) else item.nodes)
    taken = [(other.position, other.name) for other in siblings if other is not child]
    refusal = position_taken(child.position, taken, str(labels.label(type(child), "position")))
    if refusal:
        raise DomainError(refusal)


def before_delete(session: Session, record: object, user: Actor) -> None:
    if not is_department_record(record):
        return
    permissions.ensure(user, "edit", record)
    if isinstance(record, ITEM_CHILD_MODELS):
        workflow.revise(session, record.item, user)
    elif getattr(record, "approved_version_no", None):
        raise PermissionDeniedError(
            _("已审核通过的记录不能删除；服务事项请走“申请下线”，其他记录请修改后重新提交。")
        )


def check_version(record: object, seen: int | None) -> None:
    """Refuse a change to `record` unless the writer says which version they saw (`seen`, None
    when missing or not a number) and it is still the current one (optimistic locking: forms
    post `version_seen`, the API sends `version`)."""
    if not hasattr(record, "version"):
        return
    if seen is None:
        raise ConflictError(
            _(
                "无法确认您编辑的是哪个版本（当前版本 {current}）。"
                "请重新加载后再编辑，您的修改未保存。"
            ).format(current=record.version)
        )
    if seen != record.version:
        raise ConflictError(
            _(
                "该记录已被他人修改（当前版本 {current}，"
                "您编辑的是版本 {seen}）。"
                "请重新加载后再编辑，您的修改未保存。"
            ).format(current=record.version, seen=seen)
        )
