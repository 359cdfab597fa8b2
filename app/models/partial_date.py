"""A date known to the year, the month or the day ("2019年", "2019年9月", "2019-09-01"), kept
with its precision so that it is shown as written, never padded into a day nobody gave."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

YEAR, MONTH, DAY = "year", "month", "day"


@dataclass(frozen=True)
class PartialDate:
    """`value` is the first day of what is known; `precision` says how much is known."""

    value: date | None
    precision: str | None = DAY

    def __post_init__(self):
        if self.value is not None and self.precision is None:
            object.__setattr__(self, "precision", DAY)
        if self.value is None:
            object.__setattr__(self, "precision", None)

    def words(self) -> str | date | None:
        """How it is written: 2019年, 2019年9月, or the date itself."""
        if self.value is None:
            return None
        if self.precision == YEAR:
            return f"{self.value.year}年"
        if self.precision == MONTH:
            return f"{self.value.year}年{self.value.month}月"
        return self.value
