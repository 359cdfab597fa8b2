"""The department scope: one rule for who sees and changes which rows.

A department contact sees and changes only their own department's records; reviewers, the IT
office and leaders see every department. Who reaches which departments is declared in
`permissions.ACTIONS`; this module turns that reach into queries. Lists, dropdowns, exports and
charts call `apply_scope`; one record is checked with `ensure_visible`, or with
`permissions.ensure(user, action, record)`, which applies this scope first.
"""

from collections.abc import Collection
from typing import TypeVar

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.orm import Query

from app.models import ConsoleUser, Department, InformationSystem, ProcessNode, ServiceItem
from app.models.ownership import (
    DEPARTMENT_MODELS,
    ITEM_CHILD_MODELS,
    ITEM_OBSERVATIONS,
    department_id_of,
)
from app.services.access import permissions
from app.services.errors import NotFoundError, PermissionDeniedError

Q = TypeVar("Q")  # a Query or a Select: apply_scope returns what it is given
R = TypeVar("R")


def sees_all(user: ConsoleUser | None) -> bool:
    """Whether `user` sees every department (the reach comes from `permissions`)."""
    return permissions.department_reach(user) is None


def scope_department_id(user: ConsoleUser | None) -> int | None:
    """None when the user sees every department, else their department id (or -1 for none)."""
    return permissions.department_reach(user)


def scope_clause(model: type, user: ConsoleUser | None) -> ColumnElement[bool] | None:
    """A WHERE clause restricting `model` to what `user` may see, or None for everything."""
    dept = scope_department_id(user)
    if dept is None:
        return None
    if dept == -1:
        return false()
    if model in DEPARTMENT_MODELS:
        return model.department_id == dept
    if model in ITEM_CHILD_MODELS or model in ITEM_OBSERVATIONS:
        return model.item_id.in_(select(ServiceItem.id).where(ServiceItem.department_id == dept))
    return None  # reference data (departments, campaigns): readable by every role that lists it


def apply_scope(query: Q, model: type, user: ConsoleUser | None) -> Q:
    """The query restricted to the rows `user` may see (works for Query and Select)."""
    clause = scope_clause(model, user)
    if clause is None:
        return query
    return query.filter(clause) if hasattr(query, "filter") else query.where(clause)


def record_department_id(record: object) -> int | None:
    """The department owning `record` (see `app.models.ownership`)."""
    return department_id_of(record)


def is_visible(user: ConsoleUser | None, record: object) -> bool:
    return permissions.is_visible(user, record)


def ensure_visible(user: ConsoleUser | None, record: R) -> R:
    """Out of scope is reported exactly like a missing record."""
    if record is None or not is_visible(user, record):
        raise NotFoundError(_("记录不存在。"))
    return record


def involved_items_clause(user: ConsoleUser | None) -> ColumnElement[bool] | None:
    """Items `user`'s unit owns or handles a node of (the service hall: every involved unit
    confirms go-live and names its handlers); None for everything."""
    dept = scope_department_id(user)
    if dept is None:
        return None
    handled = select(ProcessNode.item_id).where(ProcessNode.handling_department_id == dept)
    return or_(ServiceItem.department_id == dept, ServiceItem.id.in_(handled))


def ensure_involved(
    user: ConsoleUser | None, item: ServiceItem | None, units: Collection[int]
) -> ServiceItem:
    """`item` when `user`'s unit is one of its `units` (or sees every department); an item the
    unit has no part in is reported as missing, like any record out of scope."""
    dept = scope_department_id(user)
    if item is None or (dept is not None and dept not in units):
        raise NotFoundError(_("记录不存在。"))
    return item


def ensure_can_write_department(user: ConsoleUser | None, department_id: int | None) -> None:
    """A contact may only put a record into their own department."""
    dept = scope_department_id(user)
    if dept is not None and department_id != dept:
        raise PermissionDeniedError(_("只能填报本部门的记录。"))


def department_choices(user: ConsoleUser | None, query: Query) -> Query:
    """The departments `user` may pick in a form."""
    dept = scope_department_id(user)
    if dept is None:
        return query
    return query.filter(Department.id == dept)


def hosting_system_choices(user: ConsoleUser | None, query: Query) -> Query:
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
