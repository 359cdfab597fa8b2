"""What every governance rule shares: the finding it yields, its key, and the time limits.

A rule reads the registers with a few set-based queries for the whole college and yields
`Finding`s; the text a person reads (why it fired, what fixing it would change) is written
only when the finding is shown, from the facts the rule kept, so the computed list does not
depend on the language and can be cached.
"""

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from sqlalchemy import ColumnElement

from app.models import ProcessNode, ServiceItem

# Record types a finding may name (the keys of `app.models.registry`).
ITEM = "service_item"
SYSTEM = "information_system"
DEPARTMENT = "department"
# session.info key of what one computation of every rule shares (hosted counts, systems).
MEMO = "findings_memo"


@dataclass
class Finding:
    """One thing the registers show should be fixed.

    `records` are (record type, id) pairs of the records involved; `departments` the
    departments concerned (a contact sees the finding when theirs is among them); `owner_id`
    the department a ledger task goes to. `facts` hold what the explanation needs. The three
    gains say what fixing it would change.
    """

    rule: str
    ident: str
    records: tuple
    departments: tuple
    owner_id: int | None
    facts: dict = field(default_factory=dict)
    days_saved: int | None = 0  # None: a limit it depends on is unknown (never counted as 0)
    systems_retired: int = 0
    fields_saved: int = 0
    cost_saved: Decimal | None = None

    @cached_property
    def key(self) -> str:
        """Stable key of the finding (dismissals and the ledger task's source key)."""
        digest = hashlib.sha1(self.ident.encode()).hexdigest()[:20]
        return f"finding:{self.rule}:{digest}"

    def sort_key(self) -> tuple:
        """Most working days saved first, then systems retired, cost, fields, then by key."""
        return (
            -(self.days_saved or 0),
            -self.systems_retired,
            -(self.cost_saved or 0),
            -self.fields_saved,
            self.rule,
            self.ident,
        )


class Index:
    """The college's findings, sorted, with lists per rule, per department and per both, and
    the counts the filter bar and the campaign board need (built once per computation)."""

    def __init__(self, found: list[Finding]) -> None:
        self.all = found
        self.by_key = {f.key: f for f in found}
        self.lists: dict[tuple, list[Finding]] = {}
        for finding in found:
            self.lists.setdefault((finding.rule, None), []).append(finding)
            for dept in finding.departments:
                self.lists.setdefault((None, dept), []).append(finding)
                self.lists.setdefault((finding.rule, dept), []).append(finding)

    def select(self, rule: str | None, department_id: int | None) -> list[Finding]:
        if rule is None and department_id is None:
            return self.all
        return self.lists.get((rule, department_id), [])

    def rule_counts(self, department_id: int | None) -> dict[str, int]:
        """{rule: findings} within one department (or the college)."""
        counts = {}
        for (rule, dept), rows in self.lists.items():
            if rule is not None and dept == department_id:
                counts[rule] = len(rows)
        return counts

    def department_counts(self) -> dict[int, int]:
        return {dept: len(rows) for (rule, dept), rows in self.lists.items() if rule is None}


def time_limit_columns() -> tuple[ColumnElement, ColumnElement]:
    """(the item's promised limit, a node's limit), both in working days.

    The one place the time-limit rules read limits from: today the `time_limit_days` columns;
    when items and nodes get structured limits (办件类型, unit and range), only this changes.
    """
    return ServiceItem.time_limit_days, ProcessNode.time_limit_days


def money(value: object) -> Decimal | None:
    return None if value is None else Decimal(value)
