"""The department scope: one rule for who sees and changes which rows.

A department contact sees and changes only their own department's records; reviewers, the IT
office and leaders see every department (leaders change nothing). Lists, show/edit/delete,
actions, dropdowns, exports and charts all ask this module, through `apply_scope` for queries
and `ensure_visible` / `ensure_can_edit` for one record.
"""

from flask_babel import gettext as _
from sqlalchemy import false, or_, select

from app.models import (
    Contact,
    Department,
    InformationSystem,
    Material,
    ProcessNode,
    RectificationTask,
    ServiceItem,
)
from app.security.roles import CONTACT, IT_ADMIN, LEADER, REVIEWER
from app.services.errors import NotFoundError, PermissionDeniedError

SEE_ALL_ROLES = frozenset({REVIEWER, IT_ADMIN, LEADER})
# Roles that may write department records (contacts within their scope).
WRITER_ROLES = frozenset({CONTACT, IT_ADMIN})
# The rectification ledger is also kept by reviewers (the party & administration office).
LEDGER_WRITER_ROLES = frozenset({CONTACT, REVIEWER, IT_ADMIN})
# Models owned by a department directly, and children owned through their service item.
DEPARTMENT_MODELS = (Contact, ServiceItem, InformationSystem, RectificationTask)
ITEM_CHILD_MODELS = (Material, ProcessNode)


def role_names(user):
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    return frozenset(role.name for role in user.roles)


def sees_all(user):
    return bool(role_names(user) & SEE_ALL_ROLES)


def scope_department_id(user):
    """None when the user sees every department, else their department id (or -1 for none)."""
    if sees_all(user):
        return None
    if CONTACT in role_names(user) and user.department_id:
        return user.department_id
    return -1


def scope_clause(model, user):
    """A WHERE clause restricting `model` to what `user` may see, or None for everything."""
    dept = scope_department_id(user)
    if dept is None:
        return None
    if dept == -1:
        return false()
    if model in DEPARTMENT_MODELS:
        return model.department_id == dept
    if model in ITEM_CHILD_MODELS:
        return model.item_id.in_(select(ServiceItem.id).where(ServiceItem.department_id == dept))
    return None  # reference data (departments, campaigns): readable by every role that lists it


def apply_scope(query, model, user):
    """The query restricted to the rows `user` may see (works for Query and Select)."""
    clause = scope_clause(model, user)
    if clause is None:
        return query
    return query.filter(clause) if hasattr(query, "filter") else query.where(clause)


def record_department_id(record):
    """The department owning `record`, read through relationships (set by forms before flush)."""
    if isinstance(record, ITEM_CHILD_MODELS):
        return record_department_id(record.item) if record.item is not None else None
    department = getattr(record, "department", None)
    if department is not None:
        return department.id
    return getattr(record, "department_id", None)


def is_visible(user, record):
    dept = scope_department_id(user)
    if dept is None:
        return True
    if not isinstance(record, DEPARTMENT_MODELS + ITEM_CHILD_MODELS):
        return True
    return dept != -1 and record_department_id(record) == dept


def ensure_visible(user, record):
    """Out of scope is reported exactly like a missing record."""
    if record is None or not is_visible(user, record):
        raise NotFoundError(_("记录不存在。"))
    return record


def ensure_can_write_department(user, department_id):
    """A contact may only put a record into their own department."""
    dept = scope_department_id(user)
    if dept is not None and department_id != dept:
        raise PermissionDeniedError(_("只能填报本部门的记录。"))


def ensure_can_edit(user, record):
    """Visible, written by a role that writes, in the user's department, not offline."""
    ensure_visible(user, record)
    writers = LEDGER_WRITER_ROLES if isinstance(record, RectificationTask) else WRITER_ROLES
    if not role_names(user) & writers:
        raise PermissionDeniedError(_("您的角色只能查看，不能修改。"))
    owner = record.item if isinstance(record, ITEM_CHILD_MODELS) else record
    if getattr(owner, "is_offline", False):
        raise PermissionDeniedError(_("该事项已下线，只能查看。"))
    if getattr(owner, "status", None) == "submitted":
        raise PermissionDeniedError(_("该记录已提交审核，请先撤回再修改。"))
    return record


def department_choices(user, query):
    """The departments `user` may pick in a form."""
    dept = scope_department_id(user)
    if dept is None:
        return query
    return query.filter(Department.id == dept)


def hosting_system_choices(user, query):
    """Systems a contact may name as a host: their own, and other departments' approved ones."""
    dept = scope_department_id(user)
    if dept is None:
        return query
    return query.filter(
        or_(
            InformationSystem.department_id == dept,
            InformationSystem.approved_version_no.isnot(None),
        )
    )
