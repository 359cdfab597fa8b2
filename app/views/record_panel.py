"""The workflow panel below a reviewable record's fields: status, actions, decisions, versions
and the record's history in the words of its own pages."""

import json

from flask import g, url_for
from flask_appbuilder import expose, has_access
from flask_babel import lazy_gettext as _l
from sqlalchemy import Text, inspect

from app.extensions import db
from app.models import AuditEntry, Department, labels, registry
from app.models.choices import AUDIT_ACTION, LIFECYCLE, WORKFLOW_STATUS
from app.services.review import lifecycle, workflow

from .base import multiline
from .hall_panel import hall_panel

ACTION_LABELS = {
    "submit": _l("提交审核"),
    "withdraw": _l("撤回"),
    "approve": _l("审核通过"),
    "return": _l("退回"),
}


# Bookkeeping columns that histories and version diffs do not repeat.
HISTORY_SKIPPED = {
    "created_at",
    "updated_at",
    "created_by_id",
    "updated_by_id",
    "version",
    "id",
    "item_id",
}


class FieldWords:
    """Field names and stored codes of a record said in the words of its own pages: the
    model's labels and value words (choice labels, 是/否), department names for ids."""

    def __init__(self, model, department_names):
        self.model = model
        self.departments = department_names

    @classmethod
    def of(cls, record_type):
        return cls(
            registry.get(record_type).model, dict(db.session.query(Department.id, Department.name))
        )

    def child(self, name):
        """The words of a child list (materials, nodes) of the same record."""
        return FieldWords(inspect(self.model).relationships[name].mapper.class_, self.departments)

    @staticmethod
    def field(column):
        for suffix in ("_id", "_name"):
            if column.endswith(suffix):
                return column[: -len(suffix)]
        return column

    def label(self, column):
        return str(labels.label(self.model, column))

    def value(self, column, value):
        if value is None or value == "":
            return "—"
        field = self.field(column)
        if column.endswith("_id") and field.endswith("department"):
            return self.departments.get(value, value)
        if column.endswith("_name"):
            return value
        table_column = self.model.__table__.columns.get(column)
        if table_column is not None and isinstance(table_column.type, Text):
            return multiline(value)
        return labels.display(self.model, column, value)

    def changes(self, fields):
        """[(label, before, after)] of {column: [before, after]}, bookkeeping left out, and an
        id left out where the snapshot also holds the name it points at."""
        return [
            (self.label(column), self.value(column, before), self.value(column, after))
            for column, (before, after) in fields.items()
            if column not in HISTORY_SKIPPED
            and not (column.endswith("_id") and f"{column[:-3]}_name" in fields)
        ]


def record_panel(record):
    """What the show page of a reviewable record displays below its fields."""
    from app.reports.flowchart import nodes_key

    session = db.session
    record_type = workflow.record_type_of(record)
    history = (
        session.query(AuditEntry)
        .filter_by(record_type=record_type, record_id=record.id)
        .order_by(AuditEntry.seq.desc())
        .limit(50)
        .all()
    )
    words = FieldWords.of(record_type)
    return {
        "history_changes": lambda entry: words.changes(json.loads(entry.changes or "{}")),
        "flowchart_url": (
            url_for("WorkflowView.flowchart", record_id=record.id, fmt="svg")
            + f"?v={nodes_key(record.nodes)[:12]}"
            if record_type == "service_item"
            else None
        ),
        "record": record,
        "record_type": record_type,
        "status_label": WORKFLOW_STATUS.label(record.status),
        "actions": workflow.allowed_actions(record, g.user),
        "action_labels": ACTION_LABELS,
        "lifecycle_label": LIFECYCLE.label(getattr(record, "lifecycle", None)),
        "lifecycle_moves": [
            (
                name,
                lifecycle.MOVES[name].label,
                lifecycle.MOVES[name].note_required,
                lifecycle.MOVES[name].form,
            )
            for name in (
                lifecycle.allowed_moves(record, g.user) if record_type == "service_item" else []
            )
        ],
        "hall": hall_panel(record) if record_type == "service_item" else None,
        "decisions": workflow.decisions(session, record),
        "versions": workflow.versions(session, record),
        "history": history,
        "audit_labels": AUDIT_ACTION,
    }


class ReviewableMixin:
    """Show page of a reviewable record: FAB's fields plus the workflow panel."""

    record_show_template = "record_show.html"

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        pk = self._deserialize_pk_if_composite(pk)
        widgets = self._show(pk)
        record = self.datamodel.get(pk, self._base_filters)
        return self.render_template(
            self.record_show_template,
            pk=pk,
            title=self.show_title,
            widgets=widgets,
            related_views=self._related_views,
            base_show_template=self.show_template,
            record_panel=record_panel(record),
        )
