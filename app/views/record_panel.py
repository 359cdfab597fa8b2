"""The workflow panel below a reviewable record's fields: status, actions, decisions, versions
and the record's history in the words of its own pages."""

import json
from datetime import datetime

from flask import g, url_for
from flask_appbuilder import expose, has_access
from flask_babel import lazy_gettext as _l
from sqlalchemy import DateTime, Text, and_, inspect, or_, select

from app.extensions import db
from app.models import AuditEntry, ConsoleUser, Department, EntryCheck, labels, registry
from app.models.choices import AUDIT_ACTION, LIFECYCLE, WORKFLOW_STATUS
from app.services.catalog import completeness
from app.services.review import lifecycle, workflow
from app.services.trail import clock

from .base import multiline
from .event_words import EVENT_KEYS, event_value
from .hall_panel import hall_panel

ACTION_LABELS = workflow.ACTION_WORDS


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
    model's labels and value words (choice labels, 是/否), department names for department
    ids, people's names for user ids, times in the display zone."""

    def __init__(self, model, department_names, user_names=None):
        self.model = model
        self.departments = department_names
        self.users = user_names if user_names is not None else _UserNames()

    @classmethod
    def of(cls, record_type):
        return cls(
            registry.get(record_type).model, dict(db.session.query(Department.id, Department.name))
        )

    def child(self, name):
        """The words of a child list (materials, nodes) of the same record."""
        return FieldWords(
            inspect(self.model).relationships[name].mapper.class_, self.departments, self.users
        )

    @staticmethod
    def field(column):
        for suffix in ("_id", "_name"):
            if column.endswith(suffix):
                return column[: -len(suffix)]
        return column

    def label(self, column):
        if column in EVENT_KEYS and column not in self.model.__table__.columns:
            return str(EVENT_KEYS[column])
        return str(labels.label(self.model, column))

    def value(self, column, value):
        if value is None or value == "":
            return "—"
        field = self.field(column)
        if column.endswith("_id") and field.endswith("department"):
            return self.departments.get(value, value)
        if column.endswith("_by_id"):
            return self.users.name(value)
        if isinstance(value, bool):
            return labels.display(self.model, column, value)
        is_column = column in self.model.__table__.columns
        if not is_column and (isinstance(value, (dict, list)) or column in EVENT_KEYS):
            return event_value(value)
        table_column = self.model.__table__.columns.get(column)
        if table_column is not None and isinstance(table_column.type, DateTime):
            return _local_text(value)
        if column.endswith("_name"):
            return value
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
            and column not in labels.derived(self.model)
            and not (column.endswith("_id") and f"{column[:-3]}_name" in fields)
        ]


class _UserNames:
    """People's names by user id, read once per page and only when a history names one."""

    def __init__(self):
        self._names = None

    def name(self, user_id):
        if self._names is None:
            self._names = {
                row.id: row.get_full_name() or row.username for row in db.session.query(ConsoleUser)
            }
        return self._names.get(user_id, _l("（已删除的用户）"))


def actor_name(users, entry):
    """Who acted in an audit entry, by name; the system as 系统."""
    if entry.user_id:
        return users.name(entry.user_id)
    return _l("系统") if entry.username in (None, "system") else entry.username


def _local_text(value):
    """A stored ISO time of a snapshot or an audit entry in the display zone."""
    try:
        return clock.markup(datetime.fromisoformat(str(value)))
    except ValueError:
        return value


def _history(session, record, record_type):
    """The record's audit entries and those of its materials and nodes, newest first."""
    query = session.query(AuditEntry)
    children = registry.get(record_type).children if record_type == "service_item" else ()
    owned = AuditEntry.record_type == record_type
    owned = and_(owned, AuditEntry.record_id == record.id)
    clauses = [owned]
    for name in children:
        table = inspect(type(record)).relationships[name].mapper.class_.__tablename__
        ids = [child.id for child in getattr(record, name)]
        mentions = [
            AuditEntry.changes.like(f'%"item_id": [null, {record.id}]%'),
            AuditEntry.changes.like(f'%"item_id": [{record.id}, null]%'),
        ]
        if ids:
            mentions.append(AuditEntry.record_id.in_(ids))
        clauses.append(and_(AuditEntry.record_type == table, or_(*mentions)))
    return query.filter(or_(*clauses)).order_by(AuditEntry.seq.desc()).limit(50).all()


def _lacking(session, record):
    """What an editable record lacks by the campaign's rules: blocking, and recommended."""
    if record.status not in ("draft", "returned"):
        return {"missing": [], "recommended": []}
    rule_set = completeness.rules(session)
    return {
        "missing": completeness.missing(record, rule_set),
        "recommended": completeness.warnings(record, rule_set),
    }


def record_panel(record):
    """What the show page of a reviewable record displays below its fields."""
    from app.reports.flowchart import nodes_key

    session = db.session
    record_type = workflow.record_type_of(record)
    history = _history(session, record, record_type)
    words = FieldWords.of(record_type)
    child_words = {
        inspect(type(record)).relationships[name].mapper.class_.__tablename__: (
            words.child(name),
            labels.label(type(record), name),
        )
        for name in (registry.get(record_type).children if record_type == "service_item" else ())
    }

    def history_changes(entry):
        changes = json.loads(entry.changes or "{}")
        if entry.record_type in child_words:
            child, _label = child_words[entry.record_type]
            return child.changes(changes)
        return words.changes(changes)

    def history_subject(entry):
        if entry.record_type in child_words:
            return "{}：{}".format(child_words[entry.record_type][1], entry.summary or "")
        return ""

    return {
        "history_changes": history_changes,
        "history_subject": history_subject,
        "actor": lambda entry: actor_name(words.users, entry),
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
        "standing": lifecycle.standing(record) if record_type == "service_item" else None,
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
        **_lacking(session, record),
        "decisions": workflow.decisions(session, record),
        "versions": workflow.versions(session, record),
        "history": history,
        "audit_labels": AUDIT_ACTION,
        "entry_check": (
            session.scalars(select(EntryCheck).filter_by(item_id=record.id)).first()
            if record_type == "service_item"
            else None
        ),
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
