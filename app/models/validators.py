"""Value rules of the records' columns, with messages a department contact understands.

They are WTForms validators, declared on the columns (`info={"validators": (non_negative(),)}`)
so that the generated forms and the Excel import check the same rules. Nothing here needs a
form: `NotBefore` reads the other field from the form it is given.
"""

from flask_babel import lazy_gettext as _l
from wtforms.validators import NumberRange, ValidationError


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
