"""What an import run found and did: problems (errors and warnings) pointing at a sheet, row and
column, and the changes, each with the fields it touches as (header, before, after)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from app.services.sheets.values import display

if TYPE_CHECKING:
    from app.services.sheets.specs import Column, Template

# A column that differs between a record and a row: (column, stored value, new value).
Diff = list[tuple["Column", Any, Any]]
COUNTED = ("add", "change", "delete", "same", "skip")


@dataclass
class Problem:
    """One reason a row cannot be imported (level error) or was left alone (level warning)."""

    sheet: str
    row: int | None
    column: str | None
    message: str
    level: str = "error"


@dataclass
class Change:
    """What importing one row does: add, change, delete, or nothing."""

    sheet: str
    row: int | None
    key: str
    action: str  # add, change, delete
    fields: list = field(default_factory=list)  # (label, before, after)


@dataclass
class ImportReport:
    """The outcome of a run: the template, the problems and the changes (applied or not)."""

    template: Template | None = None
    problems: list[Problem] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # sheet -> {add, ...}
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "warning"]

    def count(self, sheet: str, what: str) -> None:
        bucket = self.counts.setdefault(sheet, dict.fromkeys(COUNTED, 0))
        bucket[what] += 1

    def total(self, what: str) -> int:
        return sum(bucket[what] for bucket in self.counts.values())

    def error(self, sheet: str, row: int | None, column: str | None, message: object) -> None:
        self.problems.append(Problem(sheet, row, column, str(message)))

    def warn(self, sheet: str, row: int | None, column: str | None, message: object) -> None:
        self.problems.append(Problem(sheet, row, column, str(message), "warning"))

    def added(
        self, sheet: str, row: int | None, key: str, columns: Iterable[Column], values: Mapping
    ) -> None:
        """Count and list a new record with the fields the row fills."""
        self.count(sheet, "add")
        fields = [
            (c.header, "", display(c, values.get(c.key)))
            for c in columns
            if values.get(c.key) not in (None, "", False)
        ]
        self.changes.append(Change(sheet, row, key, "add", fields))

    def changed(self, sheet: str, row: int | None, key: str, diff: Diff) -> None:
        """Count and list a changed record with each field's old and new value."""
        self.count(sheet, "change")
        fields = [(c.header, display(c, old), display(c, new)) for c, old, new in diff]
        self.changes.append(Change(sheet, row, key, "change", fields))

    def deleted(self, sheet: str, key: str, column: Column, value: object) -> None:
        """Count and list a record the file no longer has."""
        self.count(sheet, "delete")
        self.changes.append(
            Change(sheet, None, key, "delete", [(column.header, display(column, value), "")])
        )
