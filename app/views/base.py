"""What every generated CRUD view of the console shares.

A view declares its choice columns once (`choice_columns = {"kind": ITEM_KIND}`) and gets the
select fields in its forms and the translated labels in its lists from here.
"""
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_appbuilder import ModelView
from flask_appbuilder.models.sqla.interface import SQLAInterface
from markupsafe import Markup, escape
from sqlalchemy import func
from wtforms import BooleanField

from app.forms.fields import choice_field, code_set_field


class ConsoleInterface(SQLAInterface):
    """SQLAInterface that counts rows without wrapping the whole select in a subquery."""

    def query_count(self, query, filters=None, select_columns=None):
        query = self._apply_inner_all(query, filters, select_columns=select_columns,
                                      aliases_mapping={})
        pk = getattr(self.obj, self.get_pk_name())
        return query.with_entities(func.count(pk)).order_by(None).scalar() or 0


def _choice_formatter(choices):
    return lambda value: choices.label(value)


def _code_set_formatter(choices):
    return lambda value: "、".join(choices.label(v) for v in (value or "").split(",") if v)


def blank_none(value):
    return "" if value is None else value


def bool_formatter(value):
    return _("是") if value else _("否")


COMMON_LABELS = {
    "department": _l("所属部门"),
    "status": _l("审核状态"),
    "version": _l("版本"),
    "created_at": _l("创建时间"),
    "updated_at": _l("更新时间"),
    "created_by": _l("创建人"),
    "updated_by": _l("更新人"),
}


class ConsoleModelView(ModelView):
    """Base of every record view: choice fields, labels, a capped page size."""

    page_size = 20
    # {column: (Choices, required)} rendered as select fields and shown by label.
    choice_columns: dict = {}
    # {column: Choices} stored as comma-separated codes, edited as multi-selects.
    code_set_columns: dict = {}
    # Columns the workflow owns: never in a form.
    protected_columns = ("status", "version", "created_at", "updated_at", "created_by",
                         "updated_by")

    def __init__(self, **kwargs):
        self.label_columns = {**COMMON_LABELS, **(self.label_columns or {})}
        self.formatters_columns = dict(self.formatters_columns or {})
        self.add_form_extra_fields = dict(self.add_form_extra_fields or {})
        self.edit_form_extra_fields = dict(self.edit_form_extra_fields or {})
        for col, spec in self.choice_columns.items():
            choices, required = spec if isinstance(spec, tuple) else (spec, True)
            label = self.label_columns.get(col, col)
            description = (self.description_columns or {}).get(col, "")
            self.formatters_columns.setdefault(col, _choice_formatter(choices))
            for extra in (self.add_form_extra_fields, self.edit_form_extra_fields):
                extra.setdefault(col, choice_field(label, choices, required, description))
        for col, choices in self.code_set_columns.items():
            label = self.label_columns.get(col, col)
            self.formatters_columns.setdefault(col, _code_set_formatter(choices))
            for extra in (self.add_form_extra_fields, self.edit_form_extra_fields):
                extra.setdefault(col, code_set_field(label, choices))
        for col in self.bool_columns():
            # FAB marks non-nullable booleans InputRequired, which refuses an unticked box.
            label = self.label_columns.get(col, col)
            description = (self.description_columns or {}).get(col, "")
            self.formatters_columns.setdefault(col, bool_formatter)
            for extra in (self.add_form_extra_fields, self.edit_form_extra_fields):
                extra.setdefault(col, BooleanField(label, description=description,
                                                   default=False))
        super().__init__(**kwargs)
        for col in set(self.list_columns) | set(self.show_columns):
            # FAB prints None as "None"; an empty cell reads better.
            self.formatters_columns.setdefault(col, blank_none)

    def bool_columns(self):
        from sqlalchemy import Boolean

        return [c.key for c in self.datamodel.obj.__table__.columns
                if isinstance(c.type, Boolean)]

    def _get_list_widget(self, filters, page=None, page_size=None, **kwargs):
        limit = current_app.config.get("LIST_MAX_PAGE_SIZE", 100)
        page_size = min(max(page_size or self.page_size, 1), limit)
        page = max(page or 0, 0)
        return super()._get_list_widget(filters, page=page, page_size=page_size, **kwargs)


def multiline(value):
    """Show a text column with its line breaks, escaped."""
    if not value:
        return ""
    return Markup("<br>".join(escape(line) for line in str(value).splitlines()))
