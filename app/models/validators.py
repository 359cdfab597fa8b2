"""Value rules of the records' columns, with messages a department contact understands.

They are WTForms validators, declared on the columns (`info={"validators": (non_negative(),)}`)
so that the generated forms and the Excel import check the same rules. Nothing here needs a
form: `NotBefore` reads the other field from the form it is given.
"""

import re
from collections.abc import Iterable
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.validators import NumberRange, ValidationError

# Digits with the separators people write in a phone number, an extension allowed.
PHONE = re.compile(r"^\+?[0-9()\-\s]{5,24}((转|-|ext\.?)\s*[0-9]{1,6})?$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")


def non_negative(message=None):
    return NumberRange(min=0, message=message or _l("不能为负数。"))


def percentage():
    return NumberRange(min=0, max=100, message=_l("请输入 0 到 100 之间的数值。"))


class NotBefore:
    """The field's date must not come before the date in `other_field`."""

    def __init__(self, other_field, message=None):
        self.other_field = other_field
        self.message = message or _l("结束日期不能早于开始日期。")

    def __call__(self, form, field):
        other = form._fields.get(self.other_field)
        if other is None or other.data is None or field.data is None:
            return
        if field.data < other.data:
            raise ValidationError(self.message)


# The most characters one Excel cell holds: a longer text could not be exported whole.
CELL_CHARACTERS = 32_767


class FitsACell:
    """A text no longer than one Excel cell holds, so that every export carries it whole."""

    def __call__(self, form, field):
        if isinstance(field.data, str) and len(field.data) > CELL_CHARACTERS:
            raise ValidationError(
                _("内容有 {m} 个字符，超过 Excel 单元格的上限 {n} 个，请精简或分条填写。").format(
                    m=len(field.data), n=CELL_CHARACTERS
                )
            )


def fits_a_cell():
    return FitsACell()


class TimeLimitWords:
    """A time limit written as a guide writes it ("5个工作日", "1-30天", "即办件").

    Words it cannot read are kept (the structure stays unknown, never invented) and are not an
    error; `unread(text)` tells the import what to warn about. Only a limit too long to keep is
    refused.
    """

    def __init__(self, max_length: int = 255):
        self.max_length = max_length

    def __call__(self, form, field):
        text = field.data
        if text is not None and len(str(text)) > self.max_length:
            raise ValidationError(_("时限原文不能超过 {n} 个字符。").format(n=self.max_length))

    @staticmethod
    def unread(text: str | None) -> bool:
        """True when `text` names a limit that says no number, range or on-the-spot handling."""
        from .time_limit import read_time_limit

        return not read_time_limit(text).understood


def time_limit_words():
    return TimeLimitWords()


class PlausibleWanYuan:
    """An amount in 万元 (ten thousand yuan) no larger than a college system could cost.

    A figure only plausible in 元 (1,200,000.00 for a year's O&M is 120 亿 in 万元) is refused
    with a message naming the unit, so that nobody's 元 are read as 万元.
    """

    def __init__(self, most: int):
        self.most = most

    def __call__(self, form, field):
        amount = field.data
        if amount is None or amount <= self.most:
            return
        raise ValidationError(
            _(
                "金额单位是万元：{amount} 万元即 {yi} 亿元，超出合理范围（不超过 {most} 万元）。"
                "如果填写的是元，请换算为万元（{wan} 万元），或在数字后写“元”。"
            ).format(
                amount=f"{amount:,.2f}",
                yi=f"{amount / 10000:,.2f}",
                most=f"{self.most:,}",
                wan=f"{amount / 10000:,.2f}",
            )
        )


def plausible_wan_yuan(most: int):
    return PlausibleWanYuan(most)


class Phone:
    """A telephone or mobile number: at least five digits, no letters."""

    message = _l("请填写有效的电话号码，例如 0816-2225202 或 13800001234。")

    def __call__(self, form, field):
        value = (field.data or "").strip()
        if value and (not PHONE.match(value) or sum(c.isdigit() for c in value) < 5):
            raise ValidationError(self.message)


class EmailAddress:
    """An e-mail address with a name, an @ and a domain."""

    message = _l("请填写有效的电子邮箱，例如 zhangsan@college.edu.cn。")

    def __call__(self, form, field):
        value = (field.data or "").strip()
        if value and not EMAIL.match(value):
            raise ValidationError(self.message)


class NotInFuture:
    """A date that has already happened (a go-live date, not a plan)."""

    def __init__(self, message=None):
        self.message = message or _l("日期不能晚于今天。")

    def __call__(self, form, field):
        if isinstance(field.data, date) and field.data > today():
            raise ValidationError(self.message)


def today() -> date:
    """Today in the display zone (where the college lives)."""
    from datetime import datetime

    from app.services.trail import clock

    return datetime.now(clock.zone()).date()


def position_taken(position: int, taken: Iterable[tuple[int, str]], label: str) -> str | None:
    """The refusal when `position` repeats one of `taken` [(position, name)] of the same item
    (materials' 序号, nodes' 顺序), else None. Forms and the import both ask here."""
    for other, name in taken:
        if other == position:
            from flask_babel import gettext as _

            return _("{label} {n} 已被本事项的“{name}”使用，请换一个。").format(
                label=label, n=position, name=name
            )
    return None


def next_position(taken: Iterable[int]) -> int:
    """The position after the last one (1 for the first)."""
    return max(taken, default=0) + 1
