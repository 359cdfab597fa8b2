"""Value rules of the records' columns, with messages a department contact understands.

They are WTForms validators, declared on the columns (`info={"validators": (non_negative(),)}`)
so that the generated forms and the Excel import check the same rules. Nothing here needs a
form: `NotBefore` reads the other field from the form it is given.
"""

import re
from collections.abc import Iterable
from datetime import date

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
