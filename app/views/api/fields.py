"""How the API's fields read and write: each field's JSON Schema, its value as JSON, and a
posted value checked and turned into what the column stores, all from the model's column
(type, length, choices, validators) so that the document, the validation and the pages agree.
"""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import Boolean, Date, DateTime, Integer, Numeric, String, Text, inspect
from wtforms.validators import NumberRange

from app.models import labels as model_labels
from app.models.choices import WORKFLOW_STATUS, split_codes
from app.services.errors import DomainError

from .resources import TEXT_MAX, Resource

# --- columns ---------------------------------------------------------------------------------


def column(model, name):
    return inspect(model).columns[name]


def _bounds(model, name):
    low = high = None
    for validator in model_labels.validators(model).get(name, ()):
        if isinstance(validator, NumberRange):
            low = validator.min if validator.min is not None else low
            high = validator.max if validator.max is not None else high
    return low, high


def field_schema(model, name) -> dict:
    """The JSON Schema (OpenAPI 3.0) of one field, from its column."""
    if name == "status" and hasattr(model, "status"):
        return {"type": "string", "enum": list(WORKFLOW_STATUS.codes)}
    col = column(model, name)
    info = col.info or {}
    label = info.get("label")
    schema: dict = {}
    if "codes" in info:
        schema = {"type": "array", "items": {"type": "string", "enum": list(info["codes"].codes)}}
    elif "choices" in info:
        schema = {"type": "string", "enum": list(info["choices"].codes)}
    elif isinstance(col.type, Boolean):
        schema = {"type": "boolean"}
    elif isinstance(col.type, Integer):
        schema = {"type": "integer", "format": "int32"}
    elif isinstance(col.type, Numeric):
        schema = {"type": "number"}
    elif isinstance(col.type, DateTime):
        schema = {"type": "string", "format": "date-time"}
    elif isinstance(col.type, Date):
        schema = {"type": "string", "format": "date"}
    elif isinstance(col.type, Text) or not getattr(col.type, "length", None):
        schema = {"type": "string", "maxLength": TEXT_MAX}
    elif isinstance(col.type, String):
        schema = {"type": "string", "maxLength": col.type.length}
    if schema.get("type") in ("integer", "number"):
        low, high = _bounds(model, name)
        if name == "id" or name.endswith("_id") or name == "version":
            low, high = 1, 2**31 - 1
        if low is not None:
            schema["minimum"] = low
        if high is not None:
            schema["maximum"] = high
        elif schema["type"] == "integer":
            schema["maximum"] = 2**31 - 1
        elif isinstance(col.type, Numeric):
            schema["maximum"] = 10 ** (col.type.precision - col.type.scale) - 1
    if col.nullable and "codes" not in info:
        schema["nullable"] = True
    if label:
        schema["description"] = str(label)
    return schema


def required_on_create(resource: Resource) -> list[str]:
    """Writable fields without which the record cannot be stored."""
    wanted = []
    for name in resource.writable:
        col = column(resource.model, name)
        if not col.nullable and col.default is None and name not in resource.defaults:
            wanted.append(name)
    return wanted


# --- reading ---------------------------------------------------------------------------------


def _plain(model, name, value):
    if name in ("status",):
        return value
    info = column(model, name).info or {}
    if "codes" in info:
        return split_codes(value)
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds") + "Z"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def serialize(resource: Resource, record) -> dict:
    data = {name: _plain(resource.model, name, getattr(record, name)) for name in resource.fields}
    for name, read in resource.embedded.items():
        data[name] = read(record)
    return data


# --- writing ---------------------------------------------------------------------------------


def _refuse(name, problem):
    return DomainError(_("字段 {field}：{problem}").format(field=name, problem=problem))


def parse_value(model, name, value):
    """`value` from JSON as the column stores it; DomainError (400) naming the field if not."""
    schema = field_schema(model, name)
    if value is None:
        if schema.get("nullable"):
            return None
        raise _refuse(name, _("不能为空。"))
    kind = schema.get("type")
    if kind == "array":
        allowed = schema["items"]["enum"]
        if not isinstance(value, list) or any(v not in allowed for v in value):
            raise _refuse(name, _("应为取值 {codes} 组成的数组。").format(codes="、".join(allowed)))
        return ",".join(dict.fromkeys(value)) or None
    if kind == "boolean":
        if not isinstance(value, bool):
            raise _refuse(name, _("应为 true 或 false。"))
        return value
    if kind in ("integer", "number"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _refuse(name, _("应为数字。"))
        if kind == "integer" and (isinstance(value, float) and not value.is_integer()):
            raise _refuse(name, _("应为整数。"))
        low, high = schema.get("minimum"), schema.get("maximum")
        if (low is not None and value < low) or (high is not None and value > high):
            raise _refuse(name, _("应在 {low} 到 {high} 之间。").format(low=low, high=high))
        if kind == "integer":
            return int(value)
        try:
            return Decimal(str(value)).quantize(Decimal("0.01"))
        except InvalidOperation as error:
            raise _refuse(name, _("应为数字。")) from error
    if not isinstance(value, str):
        raise _refuse(name, _("应为字符串。"))
    if "enum" in schema and value not in schema["enum"]:
        raise _refuse(name, _("应为 {codes} 之一。").format(codes="、".join(schema["enum"])))
    if schema.get("format") == "date":
        try:
            return date.fromisoformat(value)
        except ValueError as error:
            raise _refuse(name, _("应为日期（YYYY-MM-DD）。")) from error
    if "\x00" in value:
        raise _refuse(name, _("含有不允许的字符。"))
    if len(value) > schema.get("maxLength", TEXT_MAX):
        raise _refuse(name, _("不能超过 {n} 个字。").format(n=schema["maxLength"]))
    value = value.strip()
    if not value and not schema.get("nullable"):
        raise _refuse(name, _("不能为空。"))
    return value or None
