"""The completeness rules of `completeness` as SQL, and the per-item flag that keeps them.

`item_incomplete(rule_set)` and `system_incomplete(rule_set)` say in SQL what `missing_for_item`
and `missing_for_system` say in Python for the same rule set (the required rules only:
`tests/test_aggregates.py` compares both on varied records).

`ServiceItem.incomplete` stores the item's answer so that the board counts incomplete items
from an index instead of reading every wide row. It is kept in the writer's own transaction:

- a flush that writes an item, a material or a node sets the flag of the items concerned to
  NULL at once (later reads in that transaction evaluate the rule), and the commit computes
  them again (`UPDATE ... SET incomplete = <rule> WHERE id IN ...`);
- a bulk statement on those tables (Core inserts of the seeder, a bulk update) cannot say
  which items it touched: the commit computes every item's flag again;
- a NULL flag (new rows, a fresh migration) always falls back to the rule, and the next commit
  that writes any item computes it;
- a change of the rule set (`CompletenessRule`) computes every item's flag again at its commit.

The Core UPDATE keeps `updated_at`, `updated_by_id` and the version counter as they are.
"""

from collections.abc import Iterable

from sqlalchemy import String, Text, and_, exists, false, func, or_, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from app.models import CompletenessRule, InformationSystem, Material, ProcessNode, ServiceItem
from app.models.completeness_rule import RULE_LEVEL
from app.services.catalog.completeness import ITEM_MODULES, SYSTEM_FIELDS, RuleSet, rules
from app.services.trail.session_hooks import listen_once

# Python's str.strip() removes every Unicode space (U+3000 included): SQL trims the same set.
WHITESPACE = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())
PROBLEMS = ("data_silo", "feature_gap", "poor_extensibility", "security_risk")
_STALE, _ALL = "completeness_stale_items", "completeness_all_items"
CHUNK = 500
WATCHED = frozenset({"service_item", "material", "process_node"})


def blank(column: ColumnElement) -> ColumnElement[bool]:
    """SQL for `completeness._blank`: NULL, or only spaces for text columns."""
    if isinstance(column.type, String | Text):
        return or_(column.is_(None), func.trim(column, WHITESPACE) == "")
    return column.is_(None)


def _required(rule_set: RuleSet, subject: str, clauses: dict) -> list[ColumnElement[bool]]:
    return [
        clause
        for key, clause in clauses.items()
        if rule_set.get((subject, key), RULE_LEVEL.REQUIRED) == RULE_LEVEL.REQUIRED
    ]


def item_incomplete(rule_set: RuleSet) -> ColumnElement[bool]:
    """True for a service item that `completeness.missing_for_item` finds lacking."""
    material = Material.item_id == ServiceItem.id
    clauses = {key: blank(getattr(ServiceItem, key)) for key, _label in ITEM_MODULES}
    clauses.update(
        nodes=~exists().where(ProcessNode.item_id == ServiceItem.id),
        materials=~exists().where(material),
        material_details=exists().where(material, or_(blank(Material.name), blank(Material.form))),
        disposition=and_(ServiceItem.running_status == "improve", blank(ServiceItem.disposition)),
        transformation_needs=and_(
            ServiceItem.running_status == "deploy", blank(ServiceItem.transformation_needs)
        ),
    )
    return or_(false(), *_required(rule_set, "service_item", clauses))


def system_incomplete(rule_set: RuleSet) -> ColumnElement[bool]:
    """True for an information system that `completeness.missing_for_system` finds lacking."""
    clauses = {key: blank(getattr(InformationSystem, key)) for key, _label in SYSTEM_FIELDS}
    any_problem = or_(*(getattr(InformationSystem, k).is_(True) for k in PROBLEMS))
    clauses["problem_details"] = and_(any_problem, blank(InformationSystem.problem_details))
    return or_(false(), *_required(rule_set, "information_system", clauses))


def _set(session: Session, value, where) -> None:
    table = ServiceItem.__table__
    session.connection().execute(
        update(ServiceItem.__table__)
        .where(where)
        .values(
            incomplete=value, updated_at=table.c.updated_at, updated_by_id=table.c.updated_by_id
        )
    )


def _chunks(ids: Iterable[int]):
    ids = sorted(ids)
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def refresh(session: Session, item_ids: Iterable[int] | None = None) -> None:
    """Compute the flag of the given items (every item with None), plus every NULL one."""
    rule = item_incomplete(rules(session))
    if item_ids is None:
        _set(session, rule, ServiceItem.id.isnot(None))
        return
    for chunk in _chunks(item_ids):
        _set(session, rule, ServiceItem.id.in_(chunk))
    _set(session, rule, ServiceItem.incomplete.is_(None))


def _items_of(objects) -> set[int]:
    ids = set()
    for obj in objects:
        if isinstance(obj, ServiceItem) and obj.id is not None:
            ids.add(obj.id)
        elif isinstance(obj, Material | ProcessNode) and obj.item_id is not None:
            ids.add(obj.item_id)
    return ids


def _after_flush(session, flush_context):
    changed = (*session.new, *session.dirty, *session.deleted)
    if any(isinstance(obj, CompletenessRule) for obj in changed):
        session.info[_ALL] = True  # what complete means changed: every item's flag
    ids = _items_of(session.new) | _items_of(session.dirty) | _items_of(session.deleted)
    for obj in session.dirty:  # a material or node moved to another item
        if isinstance(obj, Material | ProcessNode):
            history = obj.__class__.item_id.impl.get_history(
                obj._sa_instance_state, obj._sa_instance_state.dict
            )
            ids.update(i for i in history.deleted or () if i is not None)
    if not ids:
        return
    session.info.setdefault(_STALE, set()).update(ids)
    for chunk in _chunks(ids):
        _set(session, None, ServiceItem.id.in_(chunk))


def _do_orm_execute(state):
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in WATCHED:
        state.session.info[_ALL] = True


def _before_commit(session):
    session.flush()
    everything = session.info.pop(_ALL, False)
    stale = session.info.pop(_STALE, None)
    if everything:
        refresh(session)
    elif stale:
        refresh(session, stale)


def _after_rollback(session, previous_transaction):
    if not previous_transaction.nested:
        session.info.pop(_ALL, None)
        session.info.pop(_STALE, None)


HOOKS = (
    ("after_flush", _after_flush),
    ("do_orm_execute", _do_orm_execute),
    ("before_commit", _before_commit),
    ("after_soft_rollback", _after_rollback),
)


def install() -> None:
    """Hook every ORM session once per process."""
    listen_once(HOOKS)
