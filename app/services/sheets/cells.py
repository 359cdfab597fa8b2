"""Reading and writing one cell of the campaign templates (`specs` declares the columns).

`parse` turns what a department typed into the value a record stores, or raises `CellError`
with the reason in Chinese; `values` writes a record's value back so that reading it gives the
same value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.validators import StopValidation, ValidationError

from app.models.audience import read_audience
from app.models.partial_date import MONTH, YEAR, PartialDate
from app.reports.xlsx import FORMULA_PREFIXES

if TYPE_CHECKING:
    from app.services.sheets.lookups import Lookups
    from app.services.sheets.specs import Column

CODE_SEPARATORS = re.compile(r"[、,，;；/\s]+|及|和")
# How an XLSX stores a control character it cannot hold as is (a carriage return is _x000D_).
ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
MAX_INT = 2**31 - 1


class CellError(ValueError):
    """A cell's value cannot be used; the message says why, in Chinese."""


class _Field:
    """What a WTForms validator looks at: the parsed value and a gettext."""

    def __init__(self, data):
        self.data = data
        self.raw_data = [data]
        self.errors = []

    def gettext(self, text: str) -> str:
        return text

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return singular if n == 1 else plural


# --- reading a cell ---------------------------------------------------------------------------


def unescape(text: str) -> str:
    """The text with the file's `_xHHHH_` escapes turned back into their characters."""
    if "_x" not in text:
        return text
    return ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)


def unneutralise(text: str) -> str:
    """Undo the writer's apostrophe before formula-like text, so a round trip changes nothing."""
    if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


def cell_text(value: object) -> str | None:
    """A cell value as stripped text, None when blank."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = (
            value.date().isoformat()
            if value.time() == datetime.min.time()
            else value.isoformat(sep=" ", timespec="minutes")
        )
    text = unneutralise(unescape(str(value))).strip()
    return text or None


def parse(column: Column, value: object, lookups: Lookups) -> object:
    """The stored value of a cell for `column`, or CellError with the reason in Chinese."""
    if column.kind in ("int", "decimal", "date", "partial_date") and isinstance(value, str):
        value = value.strip() or None
    if value is None or (isinstance(value, str) and not cell_text(value)):
        if column.required:
            raise CellError(_("必填，不能为空。"))
        return False if column.kind == "bool" else None
    parser = _PARSERS[column.kind]
    result = parser(column, value, lookups)
    for validator in column.validators:
        try:
            validator(None, _Field(result))
        except StopValidation as error:
            if error.args and error.args[0]:
                raise CellError(str(error.args[0])) from error
            break
        except ValidationError as error:
            raise CellError(str(error.args[0] if error.args else error)) from error
    return result


def _text(column, value, lookups):
    text = cell_text(value)
    if column.max_length and len(text) > column.max_length:
        raise CellError(
            _("长度不能超过 {n} 个字符（现有 {m} 个）。").format(n=column.max_length, m=len(text))
        )
    return text


def _int(column, value, lookups):
    if isinstance(value, bool):
        raise CellError(_("应填写整数。"))
    if isinstance(value, float):
        if not value.is_integer():
            raise CellError(_("应填写整数。"))
        value = int(value)
    if isinstance(value, str):
        if not re.fullmatch(r"[+-]?\d+", value):
            raise CellError(_("应填写整数。"))
        value = int(value)
    if not isinstance(value, int):
        raise CellError(_("应填写整数。"))
    if abs(value) > MAX_INT:
        raise CellError(_("数值过大。"))
    return value


def _in_unit(column, text):
    """(number text, divisor): a 万元 cell may say 元 or 万元 after its number."""
    if column.unit != "万元":
        return text, 1
    text = re.sub(r"\s+", "", text).replace("人民币", "")
    if text.endswith(("万元", "万")):
        return text.rstrip("元").rstrip("万"), 1
    if text.endswith("元"):
        return text[:-1], 10000
    return text, 1


def _decimal(column, value, lookups):
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise CellError(_("应填写数字。"))
    text, divisor = _in_unit(column, str(value))
    try:
        number = Decimal(text.replace(",", "").replace("，", "")) / divisor
    except InvalidOperation as error:
        raise CellError(_("应填写数字。")) from error
    if not number.is_finite():
        raise CellError(_("应填写数字。"))
    number = number.quantize(Decimal("0.01"))
    if column.digits and abs(number) >= Decimal(10) ** column.digits:
        raise CellError(_("数值过大。"))
    return number


def _date(column, value, lookups):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value) or ""
    for pattern in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise CellError(_("日期格式不正确，请填写如 2024-09-01。"))


_YEAR_MONTH = re.compile(r"(\d{4})\s*(?:年|[-/.])\s*(\d{1,2})\s*月?")
_YEAR = re.compile(r"(\d{4})\s*年?")


def _partial_date(column, value, lookups):
    """A date, or a year ("2019年", 2019) or a year and month ("2019年9月", "2019-09")."""
    if isinstance(value, (datetime, date)):
        return PartialDate(_date(column, value, lookups))
    text = cell_text(value) or ""
    try:
        return PartialDate(_date(column, text, lookups))
    except CellError:
        pass
    match = _YEAR_MONTH.fullmatch(text)
    if match and 1 <= int(match.group(2)) <= 12:
        return PartialDate(date(int(match.group(1)), int(match.group(2)), 1), MONTH)
    match = _YEAR.fullmatch(text)
    if match and 1900 <= int(match.group(1)) <= 2100:
        return PartialDate(date(int(match.group(1)), 1, 1), YEAR)
    raise CellError(_("日期格式不正确，请填写如 2024-09-01、2019年9月 或 2019年。"))


def _bool(column, value, lookups):
    text = cell_text(value)
    answer = lookups.choice_map(BOOL_WORDS).get(text)
    if answer is None:
        raise CellError(_("请填写“是”或“否”。"))
    return answer == "yes"


class ChoiceMaps:
    """Label -> code dictionaries built once per run: a lazy label costs a translation lookup
    each time it is turned into text, which adds up over 100,000 rows."""

    def __init__(self):
        self._maps = {}

    def choice_map(self, choices: Iterable[tuple[object, object]]) -> dict[object, object]:
        found = self._maps.get(id(choices))
        if found is None:
            found = {}
            for code, label in choices:
                found.setdefault(code, code)
                found[str(label)] = code
            for code, label in getattr(choices, "aliases", ()):
                found.setdefault(label, code)
            self._maps[id(choices)] = found
        return found


class _BoolWords:
    """是/否 and the usual spellings of yes and no, as a choice set."""

    pairs = (("yes", _l("是")), ("no", _l("否")))
    aliases = (
        ("yes", "是"),
        ("no", "否"),
        ("yes", "1"),
        ("no", "0"),
        ("yes", "Y"),
        ("no", "N"),
        ("yes", "y"),
        ("no", "n"),
        ("yes", "TRUE"),
        ("no", "FALSE"),
        ("yes", "True"),
        ("no", "False"),
        ("yes", "true"),
        ("no", "false"),
        ("yes", "√"),
    )

    def __iter__(self):
        return iter(self.pairs)


BOOL_WORDS = _BoolWords()


def _choice(column, value, lookups):
    text = cell_text(value)
    code = lookups.choice_map(column.choices).get(text)
    if code is None:
        raise CellError(
            _("“{value}”不是可选值；可选：{options}。").format(
                value=text, options="、".join(str(label) for _code, label in column.choices)
            )
        )
    return code


def _codes(column, value, lookups):
    codes = []
    for part in CODE_SEPARATORS.split(cell_text(value)):
        if not part:
            continue
        code = lookups.choice_map(column.choices).get(part)
        found = (code,) if code is not None else (column.synonyms or {}).get(part)
        if found is None:
            raise CellError(
                _("“{value}”不是可选值；可选：{options}（多项用“、”分隔）。").format(
                    value=part, options="、".join(str(label) for _code, label in column.choices)
                )
            )
        codes += [code for code in found if code not in codes]
    return ",".join(codes) or None


def _department(column, value, lookups):
    text = cell_text(value)
    department = lookups.departments.get(text)
    if department is None and text in lookups.ambiguous_departments:
        named, coded = lookups.ambiguous_departments[text]
        raise CellError(
            _(
                "“{value}”既是部门“{named}”的名称，又是部门“{coded}”的部门代码，无法确定是哪一个；"
                "请填写部门代码“{code}”或部门名称“{other}”。"
            ).format(
                value=text, named=named.name, coded=coded.name, code=named.code, other=coded.name
            )
        )
    if department is None:
        raise CellError(_("部门“{value}”不存在。").format(value=text))
    return department


def _system(column, value, lookups):
    text = cell_text(value)
    code = text.split()[0]
    system = lookups.systems.get(code) or lookups.systems.get(text)
    if system is None and text in lookups.ambiguous_systems:
        raise CellError(
            _("有多个系统名为“{value}”，无法确定是哪一个；请按“系统编号 系统名称”填写。").format(
                value=text
            )
        )
    system = system or lookups.kept_systems.get(code)  # the applier checks it is unchanged
    if system is None:
        raise CellError(
            _("承载系统“{value}”不存在或不可选；请按“系统编号 系统名称”填写。").format(value=text)
        )
    return system


def _audience(column, value, lookups):
    audience = read_audience(cell_text(value))
    if audience.note and len(audience.note) > column.max_length:
        raise CellError(
            _("列表之外的服务对象不能超过 {n} 个字符（现有 {m} 个）。").format(
                n=column.max_length, m=len(audience.note)
            )
        )
    return audience


def _item(column, value, lookups):
    return _text(column, value, lookups)


_PARSERS = {
    "text": _text,
    "int": _int,
    "decimal": _decimal,
    "date": _date,
    "partial_date": _partial_date,
    "bool": _bool,
    "choice": _choice,
    "codes": _codes,
    "audience": _audience,
    "time_limit": _text,
    "department": _department,
    "system": _system,
    "item": _item,
    "status": _text,
    "version": _int,
}
