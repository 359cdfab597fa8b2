"""What users call the fields of a record, read from the model.

A column says it once: `mapped_column(..., info={"label": _l("事项名称"), "description": _l(...)})`,
and may add `"choices"` (a `Choices` set stored as one code), `"codes"` (several codes joined by
",") and `"validators"` (rules of `app.models.validators`). A relationship carries the same
`info`. A field that is neither (a property such as `RectificationTask.overdue`) is named in the
model's `__labels__` dict. FAB views, sheets, histories, diffs and reports all read them here.
"""

from flask_babel import gettext as _
from sqlalchemy import inspect
from sqlalchemy.orm import ColumnProperty


def _props(model):
    return inspect(model).attrs


def _info(prop):
    return prop.columns[0].info if isinstance(prop, ColumnProperty) else prop.info


def info(model, name) -> dict:
    """The `info` dict of a column or relationship of `model` ({} when there is none)."""
    prop = _props(model).get(name)
    return _info(prop) if prop is not None else {}


def labels(model) -> dict:
    """{field: label} of every labelled field of `model` (FAB's `label_columns`)."""
    found = {prop.key: _info(prop)["label"] for prop in _props(model) if "label" in _info(prop)}
    return {**found, **getattr(model, "__labels__", {})}


def label(model, name, default=None):
    """The label of `name`; for `x_id` or `x_name` (a snapshot's id or name of what a row points
    at) the label of `x`; else `default`, else the name itself."""
    found = labels(model).get(name)
    if found is not None:
        return found
    for suffix in ("_id", "_name"):
        if name.endswith(suffix) and name[: -len(suffix)] in labels(model):
            return labels(model)[name[: -len(suffix)]]
    return name if default is None else default


def descriptions(model) -> dict:
    """{field: help text} (FAB's `description_columns`)."""
    return {
        prop.key: _info(prop)["description"]
        for prop in _props(model)
        if "description" in _info(prop)
    }


def validators(model) -> dict:
    """{column: [validators]} (FAB's `validators_columns`, and what the import checks)."""
    return {
        prop.key: list(_info(prop)["validators"])
        for prop in _props(model)
        if "validators" in _info(prop)
    }


def choices(model) -> dict:
    """{column: (Choices, required)} of the columns that store one code."""
    return {
        prop.key: (_info(prop)["choices"], not prop.columns[0].nullable)
        for prop in _props(model)
        if isinstance(prop, ColumnProperty) and "choices" in _info(prop)
    }


def code_sets(model) -> dict:
    """{column: Choices} of the columns that store several codes joined by ","."""
    return {prop.key: _info(prop)["codes"] for prop in _props(model) if "codes" in _info(prop)}


def derived(model) -> set[str]:
    """Columns computed from another column (`info={"derived": True}`): forms, histories and
    diffs show the column they are read from, not these."""
    return {prop.key for prop in _props(model) if _info(prop).get("derived")}


def display(model, name, value):
    """A stored value as the record's pages say it: a choice's label, 是/否, else the value."""
    field = info(model, name)
    if "choices" in field:
        return field["choices"].label(value)
    if "codes" in field:
        return field["codes"].labels(value)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return value
