"""The campaign board: for every department, how complete its survey is and whether it is late.

Five rules, each giving the fraction of it that is done (0 to 1). What a single record lacks is
decided by `app.services.catalog.completeness`, never here:

- ``contacts``: the department's complete contacts cover both duties of the notice (熟悉业务流程
  and 系统管理员), by one person with both or by two people; 1 when both are covered, 0.5 for
  one, 0 for none.
- ``items``: every service item is complete (six modules, at least one node, materials);
  complete items / items, 0 when the department has recorded no item at all.
- ``systems``: every information system has all attachment-4 fields; complete / systems, 1 when
  the department runs no system.
- ``submitted``: every record (contacts, items, systems) is submitted or approved; share of them.
- ``approved``: every record is approved; share of them (0 when there is no record).

Submitted and approved records passed the completeness check when they were submitted (editing
an approved record makes it a draft again), so only drafts and returned records are checked
again; the others count as complete. Items taken offline are left out. The database counts the
incomplete records of every department (`board_facts`: the completeness rules as SQL, one GROUP
BY); only the first few of each are read and described by `completeness`. The counts are cached
under the data-version stamp (`app.services.trail.stamped`), so the board and the home pages
cost a few small queries while nothing changes, at any number of items.

**Score** = 100 × the mean of the five fractions, rounded (each rule weighs 20 points).

**Deadlines** and the **current phase** come from `phases.schedule` (the year's campaign or
the notice's dates).

**Service hall** (measures art. 8-12): each row also carries the department's items per
lifecycle stage (`HALL_COLUMNS`) and the onboarding decisions and acceptances waiting longer
than REVIEW_DUE_WORKING_DAYS (`board_facts.hall_progress`, cached like the rest). The yearly
assessment shows the same figures.

**Colour**: red when a rule whose deadline has passed (deadline < today) is not fully done —
the department is overdue; amber when nothing is overdue but a rule due by the current phase's
deadline is not done yet; green when everything due by the current phase's deadline is done.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import ConsoleUser, Department
from app.models.base import utcnow
from app.models.choices import BOARD_STATE
from app.services.access import scope
from app.services.campaign import board_facts, phases
from app.services.campaign.board_facts import EDITABLE_STATUSES, EXAMPLES  # noqa: F401
from app.services.trail import stamped

RULES = ("contacts", "items", "systems", "submitted", "approved")
RULE_LABELS = {
    "contacts": _l("联系人覆盖两项职责"),
    "items": _l("服务事项六大模块与流转环节完整"),
    "systems": _l("管理信息系统附件4字段完整"),
    "submitted": _l("全部提交审核"),
    "approved": _l("全部审核通过"),
}


# The board's service-hall columns: a label and the lifecycle states it counts.
HALL_COLUMNS = (
    ("planned", _l("待申请入驻"), ("planned",)),
    (
        "onboarding",
        _l("入驻审批与开发"),
        ("onboarding_requested", "onboarding_approved", "in_development"),
    ),
    ("acceptance", _l("待验收与培训"), ("acceptance", "accepted")),
    ("confirming", _l("待各单位确认"), ("confirming",)),
    (
        "online",
        _l("已上线"),
        (
            "online",
            "change_requested",
            "change_approved",
            "change_development",
            "change_acceptance",
            "change_accepted",
            "change_confirming",
            "offline_requested",
            "offline_approved",
        ),
    ),
    ("offline", _l("已下线"), ("offline",)),
)
HALL_OVERDUE = (
    ("onboarding_overdue", _l("入驻（变更）审批超期")),
    ("acceptance_overdue", _l("测试验收超期")),
    ("handovers", _l("办理人离岗待交接环节")),
)


@dataclass
class HallProgress:
    """One department's items along the service hall's lifecycle."""

    states: dict = field(default_factory=dict)
    onboarding_overdue: int = 0
    acceptance_overdue: int = 0
    handovers: int = 0  # nodes whose handler left and that have no successor yet

    def count(self, column: str) -> int:
        wanted = next(states for key, _label, states in HALL_COLUMNS if key == column)
        return sum(self.states.get(state, 0) for state in wanted)

    @property
    def in_progress(self) -> int:
        """Items on their way online (requested to confirming)."""
        return sum(self.count(key) for key in ("onboarding", "acceptance", "confirming"))

    @property
    def overdue(self) -> int:
        return self.onboarding_overdue + self.acceptance_overdue


def hall_progress(
    session: Session, ids: Iterable[int] | None = None, now: datetime | None = None
) -> dict[int, HallProgress]:
    """{department id: HallProgress}, cached under the data stamp and the hour (overdue moves
    with the clock, by the hour when `now` is not given)."""
    now = now or utcnow().replace(minute=0, second=0, microsecond=0)
    days = current_app.config.get("REVIEW_DUE_WORKING_DAYS", 5)
    ids = None if ids is None else tuple(ids)
    found = stamped.stamped(
        session,
        "hall_progress",
        (ids, now.isoformat(), days),
        lambda: board_facts.hall_progress(session, ids, now, days),
    )
    return {dept: HallProgress(**values) for dept, values in found.items()}


@dataclass
class RuleResult:
    """How far one department is with one rule."""

    fraction: float
    done: int
    total: int
    lacks: list = field(default_factory=list)

    @property
    def met(self) -> bool:
        return self.fraction >= 1


@dataclass
class BoardRow:
    """One department on the board."""

    department: Department
    rules: dict
    score: int
    state: str
    overdue_rules: list
    due_rules: list
    hall: HallProgress = field(default_factory=HallProgress)
    # Live items whose online entry failed its last check (services/ledger/entries.py).
    dead_entries: int = 0

    @property
    def state_label(self) -> str:
        return BOARD_STATE.label(self.state)

    @property
    def lacks(self) -> list[tuple[str, list]]:
        """What the department still lacks, rule by rule (unmet rules only)."""
        return [
            (str(RULE_LABELS[name]), result.lacks)
            for name, result in self.rules.items()
            if not result.met
        ]


@dataclass
class Board:
    """The board for a set of departments on a given day."""

    today: date
    schedule: phases.Schedule
    rows: list

    @property
    def overdue(self) -> list[BoardRow]:
        return [row for row in self.rows if row.state == BOARD_STATE.RED]

    def counts(self) -> dict[str, int]:
        result = dict.fromkeys(BOARD_STATE.codes, 0)
        for row in self.rows:
            result[row.state] += 1
        return result

    @property
    def days_left(self) -> int:
        return (self.schedule.current.end_date - self.today).days


# --- rules ----------------------------------------------------------------------------------


def _contacts_rule(contacts):
    """`contacts`: [(name, complete, knows processes, administers systems)]."""
    processes = any(knows for _name, complete, knows, _admin in contacts if complete)
    systems = any(admin for _name, complete, _knows, admin in contacts if complete)
    lacks = []
    if not contacts:
        lacks.append(_("尚未报送联系人"))
    else:
        if not processes:
            lacks.append(_("缺少熟悉本部门业务流程的联系人"))
        if not systems:
            lacks.append(_("缺少担任管理系统实际管理员的联系人"))
        incomplete = [name for name, complete, _knows, _admin in contacts if not complete]
        if incomplete and lacks:
            lacks.append(
                _("联系人信息不完整：{names}").format(names="、".join(incomplete[:EXAMPLES]))
            )
    return RuleResult((processes + systems) / 2, processes + systems, 2, lacks)


def _completeness_rule(counts, incomplete, empty_fraction, empty_lack, noun):
    """`incomplete`: (number of incomplete records, [(record, what it lacks)] of the first)."""
    total = sum(counts.values())
    if total == 0:
        return RuleResult(empty_fraction, 0, 0, [] if empty_fraction >= 1 else [empty_lack])
    count, examples = incomplete
    done = total - count
    lacks = []
    if count:
        named = "；".join(
            _("{record}（缺少：{missing}）").format(record=str(record), missing="、".join(missing))
            for record, missing in examples[:EXAMPLES]
        )
        lacks.append(
            _("{count} 个{noun}内容不完整：{named}").format(count=count, noun=noun, named=named)
            + ("……" if count > EXAMPLES else "")
        )
    return RuleResult(done / total, done, total, lacks)


def _share_rule(counts, statuses, lack):
    total = sum(sum(c.values()) for c in counts)
    done = sum(c.get(s, 0) for c in counts for s in statuses)
    if total == 0:
        return RuleResult(0, 0, 0, [_("尚无任何填报记录")])
    lacks = [lack.format(count=total - done)] if done < total else []
    return RuleResult(done / total, done, total, lacks)


def _state(rules, sched, today):
    overdue = [
        name for name, result in rules.items() if not result.met and sched.deadlines[name] < today
    ]
    due = [
        name
        for name, result in rules.items()
        if not result.met and sched.deadlines[name] <= sched.current.end_date
    ]
    state = BOARD_STATE.RED if overdue else (BOARD_STATE.AMBER if due else BOARD_STATE.GREEN)
    return state, overdue, due


def departments_for(session: Session, user: ConsoleUser | None = None) -> list[Department]:
    """The departments whose rows `user` may see (every one without a user)."""
    query = select(Department).order_by(Department.sort_order, Department.code)
    dept = scope.scope_department_id(user) if user is not None else None
    if dept is not None:
        query = query.where(Department.id == dept)
    return list(session.scalars(query))


def build(
    session: Session,
    today: date | None = None,
    user: ConsoleUser | None = None,
    department_ids: Iterable[int] | None = None,
) -> Board:
    """The board on `today` for the departments `user` may see (or the given ids)."""
    today = today or date.today()
    departments = departments_for(session, user)
    if department_ids is not None:
        wanted = set(department_ids)
        departments = [d for d in departments if d.id in wanted]
    everyone = department_ids is None and (user is None or scope.scope_department_id(user) is None)
    ids = None if everyone else [d.id for d in departments]
    sched = phases.schedule(session, today)
    facts = stamped.stamped(
        session,
        "board",
        (str(get_locale() or ""), None if ids is None else tuple(ids)),
        lambda: board_facts.facts(session, ids),
    )
    hall = hall_progress(session, ids)
    none = (0, [])
    rows = []
    for department in departments:
        dept = department.id
        items, systems = facts["items"].get(dept, {}), facts["systems"].get(dept, {})
        records = (items, systems, facts["contacts"].get(dept, {}))
        bad_items, bad_systems = facts["bad_items"], facts["bad_systems"]
        rules = {
            "contacts": _contacts_rule(facts["people"].get(dept, [])),
            "items": _completeness_rule(
                items, bad_items.get(dept, none), 0, _("尚未填报服务事项"), _("服务事项")
            ),
            "systems": _completeness_rule(
                systems, bad_systems.get(dept, none), 1, "", _("管理信息系统")
            ),
            "submitted": _share_rule(
                records, ("submitted", "approved"), _("{count} 条记录尚未提交审核")
            ),
            "approved": _share_rule(records, ("approved",), _("{count} 条记录尚未审核通过")),
        }
        score = round(100 * sum(r.fraction for r in rules.values()) / len(rules))
        state, overdue, due = _state(rules, sched, today)
        dead = facts.get("dead_entries", {}).get(dept, 0)
        progress = hall.get(dept, HallProgress())
        rows.append(BoardRow(department, rules, score, state, overdue, due, progress, dead))
    return Board(today, sched, rows)
