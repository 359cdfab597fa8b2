"""The campaign board's figures per department, counted by grouped SQL (read by `board`).

The completeness rules of `app.services.catalog.completeness` are SQL clauses in
`completeness_sql` (items read their stored flag, kept by it, from the board's covering index),
so that the database counts the incomplete records of every department in one pass, whatever
the number of items; only the first
`EXAMPLES` incomplete records of each department (a window function) are read and described in
Python by `completeness` itself, in its own words. `tests/test_board.py` checks that both give
the same counts on the same records.

`facts(session, ids)` returns plain data (no ORM objects), cached under the data-version stamp
by `board.build`; so does `hall_progress` (every item in each service-hall state, and the
onboarding decisions and acceptances overdue), read by the board and the yearly assessment.
"""

from collections.abc import Sequence
from datetime import datetime, time, timedelta
from types import SimpleNamespace

from sqlalchemy import case, func, or_, select, union_all
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from app.models import (
    Contact,
    EntryCheck,
    HallStep,
    HandlerAssignment,
    InformationSystem,
    Material,
    ProcessNode,
    ServiceItem,
)
from app.models.choices import ENTRY_FAILING, LIFECYCLE
from app.services.calendar.days import WorkCalendar, add_working_days, load
from app.services.catalog import completeness
from app.services.catalog.completeness import RuleSet
from app.services.catalog.completeness_sql import item_incomplete, system_incomplete

EXAMPLES = 3  # records named per rule in "what it lacks"
# Records a department can still change: the board counts them as not yet submitted.
EDITABLE_STATUSES = ("draft", "returned")


def _in(query, column, ids):
    return query if ids is None else query.where(column.in_(ids))


def status_counts(
    session: Session, model: type, ids: Sequence[int] | None, extra: Sequence = ()
) -> dict:
    """{department id: {status: count}} in one GROUP BY."""
    query = select(model.department_id, model.status, func.count()).where(*extra)
    query = _in(query, model.department_id, ids)
    result = {}
    for dept, status, count in session.execute(query.group_by(model.department_id, model.status)):
        result.setdefault(dept, {})[status] = count
    return result


def _incomplete(session, model, clauses, ids, extra):
    """({department id: count}, [ids of the first EXAMPLES per department, by code]), in one
    pass over the open records (a window function gives both the rank and the count).

    `clauses` are alternatives (UNION ALL of one narrow SELECT each), so that each can be
    answered from its own index: the stored flag, and the rule for the rows without one."""
    parts = [
        _in(
            select(model.id, model.department_id, model.code).where(
                model.status.in_(EDITABLE_STATUSES), clause, *extra
            ),
            model.department_id,
            ids,
        )
        for clause in clauses
    ]
    rows = (parts[0] if len(parts) == 1 else union_all(*parts)).subquery()
    ranked = select(
        rows.c.id,
        rows.c.department_id,
        func.row_number()
        .over(partition_by=rows.c.department_id, order_by=rows.c.code)
        .label("rank"),
        func.count().over(partition_by=rows.c.department_id).label("total"),
    ).subquery()
    first = select(ranked.c.id, ranked.c.department_id, ranked.c.total).where(
        ranked.c.rank <= EXAMPLES
    )
    counts, found = {}, []
    for record_id, dept, total in session.execute(first):
        counts[dept] = total
        found.append(record_id)
    return counts, found


ITEM_COLUMNS = (
    "id",
    "department_id",
    "code",
    "name",
    "running_status",
    "disposition",
    "transformation_needs",
    *(key for key, _label in completeness.ITEM_MODULES),
)


def _describe_items(session, item_ids, rule_set: RuleSet):
    """[(department id, code, "code name", what it lacks)] of the given items (plain rows)."""
    if not item_ids:
        return []
    nodes = dict(
        session.execute(
            select(ProcessNode.item_id, func.count())
            .where(ProcessNode.item_id.in_(item_ids))
            .group_by(ProcessNode.item_id)
        ).all()
    )
    materials = {}
    for item_id, name, form in session.execute(
        select(Material.item_id, Material.name, Material.form).where(Material.item_id.in_(item_ids))
    ):
        materials.setdefault(item_id, []).append(SimpleNamespace(name=name, form=form))
    query = select(*(getattr(ServiceItem, c) for c in ITEM_COLUMNS)).where(
        ServiceItem.id.in_(item_ids)
    )
    described = []
    for values in session.execute(query).mappings():
        item = SimpleNamespace(
            **values,
            materials=materials.get(values["id"], []),
            nodes=range(nodes.get(values["id"], 0)),  # only "at least one node" is read
        )
        described.append(
            (
                item.department_id,
                item.code,
                f"{item.code} {item.name}",
                completeness.missing_for_item(item, rule_set),
            )
        )
    return described


def _describe_systems(session, system_ids, rule_set: RuleSet):
    if not system_ids:
        return []
    query = select(InformationSystem).where(InformationSystem.id.in_(system_ids))
    return [
        (s.department_id, s.code, str(s), completeness.missing(s, rule_set))
        for s in session.scalars(query)
    ]


def _examples(counts, described):
    """{department id: (count, [(record, missing)])}, examples in code order."""
    examples = {}
    for dept, _code, text, missing in sorted(described, key=lambda d: (d[0], d[1])):
        examples.setdefault(dept, []).append((text, missing))
    return {dept: (count, examples.get(dept, [])) for dept, count in counts.items()}


def contacts(session: Session, ids: Sequence[int] | None, rule_set: RuleSet) -> dict:
    """{department id: [(name, complete, knows processes, administers systems)]} by id."""
    query = _in(select(Contact).order_by(Contact.id), Contact.department_id, ids)
    result = {}
    for contact in session.scalars(query):
        result.setdefault(contact.department_id, []).append(
            (
                contact.name,
                not completeness.missing(contact, rule_set),
                bool(contact.knows_processes),
                bool(contact.administers_systems),
            )
        )
    return result


def dead_entries(session: Session, ids: Sequence[int] | None) -> dict[int, int]:
    """{department id: live items whose online entry failed its last check}."""
    query = (
        select(ServiceItem.department_id, func.count())
        .join(EntryCheck, EntryCheck.item_id == ServiceItem.id)
        .where(EntryCheck.outcome.in_(ENTRY_FAILING), ServiceItem.lifecycle == LIFECYCLE.ONLINE)
        .group_by(ServiceItem.department_id)
    )
    return dict(session.execute(_in(query, ServiceItem.department_id, ids)).all())


def facts(session: Session, ids: Sequence[int] | None) -> dict:
    """Everything the board's rules read, per department, as plain data."""
    online = (~ServiceItem.is_offline,)
    rule_set = completeness.rules(session)
    item_counts, item_ids = _incomplete(
        session,
        ServiceItem,
        (
            ServiceItem.incomplete.is_(True),
            ServiceItem.incomplete.is_(None) & item_incomplete(rule_set),
        ),
        ids,
        online,
    )
    system_counts, system_ids = _incomplete(
        session, InformationSystem, (system_incomplete(rule_set),), ids, ()
    )
    return {
        "items": status_counts(session, ServiceItem, ids, online),
        "systems": status_counts(session, InformationSystem, ids),
        "contacts": status_counts(session, Contact, ids),
        "bad_items": _examples(item_counts, _describe_items(session, item_ids, rule_set)),
        "bad_systems": _examples(system_counts, _describe_systems(session, system_ids, rule_set)),
        "people": contacts(session, ids, rule_set),
        "dead_entries": dead_entries(session, ids),
    }


# --- the service hall's lifecycle per department (measures art. 8-12) ------------------------

# Who owes the next step and so may be late: the office on a request, the unit on acceptance.
HALL_WAITING = {
    "onboarding": ("onboarding_requested", "change_requested"),
    "acceptance": ("acceptance", "change_acceptance"),
}


def overdue_since(
    column: ColumnElement, now: datetime, days: int, calendar: WorkCalendar
) -> ColumnElement:
    """SQL: `column` (when the wait began) lies more than `days` working days before `now`,
    exactly as `add_working_days(since, days, calendar) < now` says it for one row. The days
    one adds depend on the day the wait began (weekday, holidays, 调休), so each recent day is
    its own range; recent means back to the first day whose due date is already before today:
    every earlier wait is overdue whatever its time of day, as a later start never falls due
    on an earlier date."""
    today = now.date()
    first = today
    while add_working_days(first - timedelta(days=1), days, calendar) >= today:
        first -= timedelta(days=1)
    clauses = []
    for back in range((today - first).days + 1):
        day = today - timedelta(days=back)
        added = add_working_days(day, days, calendar) - day
        start = datetime.combine(day, time.min)
        end = min(start + timedelta(days=1), now - added)
        if end > start:
            clauses.append((column >= start) & (column < end))
    return or_(column < datetime.combine(first, time.min), *clauses)


def hall_progress(session: Session, ids: Sequence[int] | None, now: datetime, days: int) -> dict:
    """{department id: {"states": {lifecycle: count}, "onboarding_overdue": n,
    "acceptance_overdue": n, "handovers": n}} in three GROUP BYs: every item in each hall
    state; the items whose office decision or acceptance waits longer than `days` working days
    since their last step (or their last change when they have none); the nodes the unit
    handles whose handler left with no successor yet."""
    item = ServiceItem
    result: dict = {}
    counts = _in(
        select(item.department_id, item.lifecycle, func.count()), item.department_id, ids
    ).group_by(item.department_id, item.lifecycle)
    for dept, state, count in session.execute(counts):
        result.setdefault(dept, {"states": {}})["states"][state] = count
    last = (
        select(HallStep.item_id, func.max(HallStep.at).label("at"))
        .group_by(HallStep.item_id)
        .subquery()
    )
    since = func.coalesce(last.c.at, item.updated_at)
    waiting = HALL_WAITING["onboarding"] + HALL_WAITING["acceptance"]
    late = _in(
        select(
            item.department_id,
            func.sum(case((item.lifecycle.in_(HALL_WAITING["onboarding"]), 1), else_=0)),
            func.sum(case((item.lifecycle.in_(HALL_WAITING["acceptance"]), 1), else_=0)),
        )
        .outerjoin(last, last.c.item_id == item.id)
        .where(item.lifecycle.in_(waiting), overdue_since(since, now, days, load(session))),
        item.department_id,
        ids,
    ).group_by(item.department_id)
    for dept, onboarding, acceptance in session.execute(late):
        row = result.setdefault(dept, {"states": {}})
        row["onboarding_overdue"], row["acceptance_overdue"] = int(onboarding), int(acceptance)
    for dept, count in session.execute(_handovers(ids)):
        result.setdefault(dept, {"states": {}})["handovers"] = count
    for row in result.values():
        row.setdefault("onboarding_overdue", 0)
        row.setdefault("acceptance_overdue", 0)
        row.setdefault("handovers", 0)
    return result


def _handovers(ids):
    """(unit, nodes) whose handler left (art. 6) and that have no handler filed or on the way,
    by the unit handling the node, on items not offline: the handovers the board flags."""
    node, item, row = ProcessNode, ServiceItem, HandlerAssignment
    unit = func.coalesce(node.handling_department_id, item.department_id)
    ended = select(row.id).where(row.node_id == node.id, row.status == "ended").exists()
    held = (
        select(row.id)
        .where(row.node_id == node.id, row.status.in_(("submitted", "approved", "filed")))
        .exists()
    )
    query = (
        select(unit, func.count())
        .select_from(node)
        .join(item, node.item_id == item.id)
        .where(item.lifecycle != "offline", ended, ~held)
    )
    return _in(query, unit, ids).group_by(unit)
