"""Review workflow pages: actions on a record, the reviewer's inbox, versions, history, print."""

import json

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import Text, inspect
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.models import AuditEntry, Department, ReviewDecision, labels, registry
from app.models.choices import AUDIT_ACTION, LIFECYCLE, WORKFLOW_STATUS
from app.models.registry import record_url
from app.services.errors import NotFoundError
from app.services.publish import verification
from app.services.review import inbox, lifecycle, workflow
from app.services.trail.snapshot import diff

from .base import multiline
from .download import IMAGE_MIMETYPES, send_image
from .params import bounded_int
from .redirects import public_base_url, safe_next
from .transaction import one_transaction

ACTION_LABELS = {
    "submit": _l("提交审核"),
    "withdraw": _l("撤回"),
    "approve": _l("审核通过"),
    "return": _l("退回"),
}


def _chart_response(nodes, fmt):
    from app.reports.flowchart import flowchart

    if fmt not in IMAGE_MIMETYPES:
        abort(404)
    return send_image(flowchart(nodes, fmt), fmt, "private, max-age=300")


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
            (name, lifecycle.MOVES[name].label, lifecycle.MOVES[name].note_required)
            for name in (
                lifecycle.allowed_moves(record, g.user) if record_type == "service_item" else []
            )
        ],
        "decisions": workflow.decisions(session, record),
        "versions": workflow.versions(session, record),
        "history": history,
        "audit_labels": AUDIT_ACTION,
    }


class WorkflowView(BaseView):
    """Workflow endpoints; every rule they apply lives in app.services."""

    route_base = "/workflow"
    default_view = "inbox"
    method_permission_name = {
        "submit": "submit",
        "withdraw": "submit",
        "batch_submit": "submit",
        "approve": "review",
        "return_": "review",
        "inbox": "review",
        "batch": "review",
        "lifecycle_move": "lifecycle",
        "versions": "read",
        "version": "read",
        "print_view": "read",
        "flowchart": "read",
        "version_flowchart": "read",
        "print_decision": "read",
    }

    def _load(self, record_type, record_id):
        try:
            return workflow.load(db.session, record_type, record_id, g.user)
        except NotFoundError:
            abort(404)

    def _run(self, record_type, record_id, func, success, **kwargs):
        """Run one workflow function in its own transaction and report the outcome."""
        record = self._load(record_type, record_id)
        with one_transaction(success):
            func(db.session, record, g.user, **kwargs)
        return redirect(safe_next(record_url(record_type, record_id)))

    @expose("/<record_type>/<int:record_id>/submit", methods=["POST"])
    @has_access
    def submit(self, record_type, record_id):
        return self._run(record_type, record_id, workflow.submit, _("已提交审核。"))

    @expose("/<record_type>/<int:record_id>/withdraw", methods=["POST"])
    @has_access
    def withdraw(self, record_type, record_id):
        return self._run(record_type, record_id, workflow.withdraw, _("已撤回，可继续修改。"))

    @expose("/<record_type>/<int:record_id>/approve", methods=["POST"])
    @has_access
    def approve(self, record_type, record_id):
        return self._run(
            record_type,
            record_id,
            workflow.approve,
            _("已审核通过并签名。"),
            password=request.form.get("password", ""),
        )

    @expose("/<record_type>/<int:record_id>/return", methods=["POST"])
    @has_access
    def return_(self, record_type, record_id):
        return self._run(
            record_type,
            record_id,
            workflow.return_,
            _("已退回并签名。"),
            comment=request.form.get("comment", ""),
            password=request.form.get("password", ""),
        )

    @expose("/service_item/<int:record_id>/lifecycle/<action>", methods=["POST"])
    @has_access
    def lifecycle_move(self, record_id, action):
        return self._run(
            "service_item",
            record_id,
            lifecycle.move,
            _("事项状态已更新。"),
            action=action,
            note=request.form.get("note", ""),
        )

    @expose("/inbox/")
    @has_access
    def inbox(self):
        rows = inbox.pending(db.session)
        for row in rows:
            row["url"] = record_url(row["record_type"], row["record"].id)
        return self.render_template(
            "workflow/inbox.html",
            rows=rows,
            kinds={key: kind.label for key, kind in registry.BY_KEY.items()},
            title=_("审核待办"),
        )

    @expose("/inbox/batch", methods=["POST"])
    @has_access
    def batch(self):
        action = request.form.get("action")
        if action not in ("approve", "return"):
            abort(400)
        records = []
        for value in request.form.getlist("rowid"):
            record_type, _sep, record_id = value.partition(":")
            if bounded_int(record_id) is None:
                abort(400)
            records.append(self._load(record_type, int(record_id)))
        if not records:
            flash(_("请先勾选要处理的记录。"), "warning")
            return redirect(url_for("WorkflowView.inbox"))
        kwargs = {"password": request.form.get("password", "")}
        if action == "return":
            kwargs["comment"] = request.form.get("comment", "")
        with one_transaction() as outcome:
            done, refused = workflow.batch(db.session, records, action, g.user, **kwargs)
        if not outcome.ok:
            return redirect(url_for("WorkflowView.inbox"))
        if done:
            flash(_("已处理 {n} 条记录。").format(n=len(done)), "success")
        for record, reason in refused:
            flash(_("{record}：{reason}").format(record=record, reason=reason), "danger")
        return redirect(url_for("WorkflowView.inbox"))

    @expose("/<record_type>/<int:record_id>/versions/")
    @has_access
    def versions(self, record_type, record_id):
        record = self._load(record_type, record_id)
        return self.render_template(
            "workflow/versions.html",
            record=record,
            record_type=record_type,
            versions=workflow.versions(db.session, record),
            back=record_url(record_type, record_id),
            title=_("版本记录"),
        )

    @expose("/<record_type>/<int:record_id>/versions/<int:number>")
    @has_access
    def version(self, record_type, record_id, number):
        record = self._load(record_type, record_id)
        all_versions = {v.number: v for v in workflow.versions(db.session, record)}
        current = all_versions.get(number) or abort(404)
        previous = all_versions.get(number - 1)
        data = json.loads(current.snapshot)
        changes = diff(json.loads(previous.snapshot) if previous else {}, data)
        return self.render_template(
            "workflow/version.html",
            record=record,
            version=current,
            data=data,
            changes=changes,
            previous=previous,
            words=FieldWords.of(record_type),
            record_type=record_type,
            title=_("版本 {n}").format(n=number),
        )

    @expose("/service_item/<int:record_id>/flowchart.<fmt>")
    @has_access
    def flowchart(self, record_id, fmt):
        """The item's current flowchart, drawn from its nodes (cached until they change)."""
        item = self._load("service_item", record_id)
        return _chart_response(item.nodes, fmt)

    @expose("/service_item/<int:record_id>/versions/<int:number>/flowchart.<fmt>")
    @has_access
    def version_flowchart(self, record_id, number, fmt):
        """The flowchart of an approved version, drawn from its frozen snapshot."""
        item = self._load("service_item", record_id)
        version = next(
            (v for v in workflow.versions(db.session, item) if v.number == number), None
        ) or abort(404)
        return _chart_response(json.loads(version.snapshot).get("nodes", []), fmt)

    @expose("/<record_type>/<int:record_id>/print")
    @has_access
    def print_view(self, record_type, record_id):
        """A4 sheet of the current approved version, with a fresh verification code and QR."""
        record = self._load(record_type, record_id)
        approved = next(iter(workflow.versions(db.session, record)), None)
        if approved is None:
            flash(_("该记录尚无审核通过的版本，不能打印。"), "warning")
            return redirect(record_url(record_type, record_id))
        base = public_base_url()  # before the code is issued: a forged Host prints nothing
        with one_transaction() as outcome:
            code = verification.issue(
                db.session, approved.decision, "sheet", g.user, approved.number
            )
        if not outcome.ok:
            return redirect(record_url(record_type, record_id))
        return self.render_template(
            "workflow/print.html",
            record=record,
            version=approved,
            decision=approved.decision,
            data=json.loads(approved.snapshot),
            record_type=record_type,
            title=_("打印"),
            **_verify_block(code, base),
        )

    @expose("/decision/<int:decision_id>/print")
    @has_access
    def print_decision(self, decision_id):
        """A4 approval record (审批记录) of one signed decision, with its verification code."""
        decision = db.session.get(ReviewDecision, decision_id) or abort(404)
        record = self._load(decision.record_type, decision.record_id)
        base = public_base_url()
        with one_transaction() as outcome:
            code = verification.issue(db.session, decision, "decision", g.user)
        if not outcome.ok:
            return redirect(record_url(decision.record_type, decision.record_id))
        return self.render_template(
            "workflow/print.html",
            record=record,
            version=None,
            decision=decision,
            data=None,
            record_type=decision.record_type,
            title=_("打印"),
            **_verify_block(code, base),
        )


def _verify_block(code, base):
    """The printed code (grouped), the /verify address and its QR code as inline SVG."""
    import segno

    url = base + url_for("public.verify", code=code)
    return {
        "verify_code": verification.grouped(code),
        "verify_url": url,
        "qr_svg": Markup(segno.make(url, error="m").svg_inline(scale=3, omitsize=False)),
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


def inbox_menu_label():
    """The inbox menu entry with the number of records waiting, counted when the menu renders."""
    from flask_babel import LazyString

    def label():
        if "_inbox_count" not in g:
            try:
                g._inbox_count = inbox.pending_count(db.session)
            except SQLAlchemyError:
                db.session.rollback()
                g._inbox_count = None
        if g._inbox_count is None:
            return _("审核待办")
        return _("审核待办（{n}）").format(n=g._inbox_count)

    return LazyString(label)
