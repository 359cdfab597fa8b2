"""Writing one cell of the campaign templates, and telling whether a cell changes a record.

`cell_value` and `formatter` write a record's value so that reading it back (`cells.parse`)
gives the same value; `comparable` and `display` let the import tell and show what changed.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING

from flask_babel import gettext as _

from app.models import guide_words
from app.models.audience import Audience
from app.models.choices import split_codes
from app.models.partial_date import PartialDate

if TYPE_CHECKING:
    from app.models import InformationSystem
    from app.services.sheets.specs import Column


def system_label(system: InformationSystem | None) -> str | None:
    return f"{system.code} {system.name}" if system is not None else None


def cell_value(column: Column, record: object) -> object:
    """What the spreadsheet shows for `column` of `record` (an ORM row or a look-alike)."""
    return formatter(column)(record)


def formatter(column: Column) -> Callable[[object], object]:
    """A function record -> cell value for `column`, with its labels translated once."""
    key = column.key
    if column.kind == "item":
        return lambda record: record.item.code
    if column.kind == "version":
        return lambda record: getattr(record, "version", None)
    if column.kind in ("choice", "status", "codes"):
        labels = {code: str(label) for code, label in column.choices}
        if column.kind == "codes":

            def codes(record):
                return column.choices.labels(getattr(record, key, None)) or None

            return codes
        return lambda record: (
            labels.get(getattr(record, key, None)) or getattr(record, key, None) or None
        )
    if column.kind == "audience":
        return lambda record: Audience(
            getattr(record, "user_groups", None), getattr(record, "audience_note", None)
        ).words()
    if column.kind == "partial_date":
        return lambda record: PartialDate(
            getattr(record, "go_live_date", None), getattr(record, "go_live_precision", None)
        ).words()
    if column.kind == "department":
        return lambda record: getattr(getattr(record, key, None), "name", None)
    if column.kind == "system":
        return lambda record: system_label(getattr(record, key, None))
    if column.kind == "bool":
        return lambda record: bool(getattr(record, key, None))
    return lambda record: getattr(record, key, None)


def comparable(column: Column, value: object) -> object:
    """A value in the form the import compares with what is stored."""
    if column.kind in ("department", "system"):
        return value.id if value is not None else None
    if column.kind == "codes":
        return frozenset(split_codes(value))
    if column.kind == "partial_date":
        return value or PartialDate(None)
    if column.kind == "audience":
        value = value or Audience(None, None)
        return frozenset(split_codes(value.codes)), value.note or None
    if column.kind == "bool":
        return bool(value)
    if column.kind == "decimal" and value is not None:
        return Decimal(value).quantize(Decimal("0.01"))
    if isinstance(value, str):
        return value.strip() or None
    return value


def display(column: Column, value: object) -> str:
    """A stored value as a person reads it in the preview."""
    if value is None or value == "":
        return ""
    if column.kind in ("choice", "status"):
        return column.choices.label(value)
    if column.kind == "codes":
        return column.choices.labels(value)
    if column.kind == "audience":
        return value.words() or ""
    if column.kind == "partial_date":
        return str(value.words() or "")
    if column.kind == "department":
        return value.name
    if column.kind == "system":
        return system_label(value)
    if column.kind == "bool":
        return _("是") if value else _("否")
    if column.kind == "time_limit":
        # The words as written, and what the console reads from them.
        return _("{words}（读作：{reading}）").format(
            words=value, reading=guide_words.limit_reading(value)
        )
    return str(value)
