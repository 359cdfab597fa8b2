"""Select fields for the codes of `app.models.choices`."""

from flask_appbuilder.fieldwidgets import Select2ManyWidget, Select2Widget
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, SelectMultipleField
from wtforms.validators import InputRequired, Optional

from app.models.choices import split_codes


def choice_field(label, choices, required=True, description=""):
    """A single-choice select over a `Choices` set; optional fields offer an empty entry."""
    options = list(choices.pairs) if required else [("", _l("（未选择）"))] + list(choices.pairs)
    validators = [InputRequired()] if required else [Optional()]
    return SelectField(
        label,
        choices=options,
        validators=validators,
        widget=Select2Widget(),
        description=description,
        coerce=lambda v: None if v in ("", None) else str(v),
    )


class CodeSetField(SelectMultipleField):
    """Several codes of one `Choices` set, stored as one comma-separated column."""

    widget = Select2ManyWidget()

    def process_data(self, value):
        if isinstance(value, str):
            value = split_codes(value)
        super().process_data(value or [])

    def populate_obj(self, obj, name):
        setattr(obj, name, ",".join(self.data or []) or None)


def code_set_field(label, choices, description=""):
    """Read when the form is built: a reference list the IT office keeps offers what it holds
    at that moment, not what it held when the view was registered."""
    return CodeSetField(
        label,
        choices=lambda: list(choices.pairs),
        validators=[Optional()],
        description=description,
    )
