"""The digital rectification ledger (数字化整改台账): task lists, the task page, moves, export.

The CRUD view edits what a task says (title, kind, measure, owner, deadline); its status moves
only through `LedgerView`, which calls `app.services.ledger.rectification`.
"""

from datetime import date

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.models.filters import BaseFilter
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app.extensions import db
from app.models import AuditEntry, InformationSystem, RectificationTask, ServiceItem
from app.models.choices import AUDIT_ACTION, TASK_SOURCE, TASK_STATUS
from app.models.registry import record_url
from app.security.filters import DEPARTMENT_CHOICES, SCOPED
from app.services.access import permissions, scope
from app.services.errors import DuplicateTaskError
from app.services.insight import finding_actions, portfolio
from app.services.ledger import rectification
from app.services.trail import audit

from .base import ConsoleInterface, ConsoleModelView, multiline
from .download import send_download
from .transaction import one_transaction, transactional


def status_badge(code):
    return TASK_STATUS.badge(code)


def overdue_badge(value):
    if value:
        return Markup('<span class="label label-danger overdue-badge">{}</span>').format(
            _("已逾期")
        )
    return ""


class OverdueFilter(BaseFilter):
    """Tasks past their deadline and not done."""

    name = "overdue"
    arg_name = "overdue"

    def apply(self, query, value):
        return query.filter(RectificationTask.is_overdue())


class RectificationTaskView(ConsoleModelView):
    datamodel = ConsoleInterface(RectificationTask)
    base_filters = SCOPED
    add_form_query_rel_fields = edit_form_query_rel_fields = DEPARTMENT_CHOICES
    list_template = "ledger/task_list.html"
    show_template = "ledger/task_show.html"
    list_title = _l("数字化整改台账")
    show_title = _l("整改任务详情")
    add_title = _l("新增整改任务")
    edit_title = _l("编辑整改任务")
    formatters_columns = {
        **{k: multiline for k in ("description", "measure", "evidence", "postpone_reason")},
        "source": lambda v: TASK_SOURCE.label(v),
        "task_status": status_badge,
        "overdue": overdue_badge,
    }
    list_columns = [
        "title",
        "department",
        "source",
        "category",
        "owner",
        "deadline",
        "task_status",
        "overdue",
    ]
    show_columns = [
        "title",
        "department",
        "source",
        "category",
        "information_system",
        "service_item",
        "description",
        "measure",
        "owner",
        "deadline",
        "task_status",
        "postpone_reason",
        "evidence",
        "closed_at",
        "created_by",
        "created_at",
        "updated_at",
    ]
    add_columns = edit_columns = [
        "title",
        "department",
        "category",
        "description",
        "measure",
        "owner",
        "deadline",
    ]
    search_columns = ["title", "source", "category", "owner", "deadline", "task_status"]
    base_order = ("deadline", "asc")

    def pre_add(self, item):
        item.source = "manual"
        item.task_status = TASK_STATUS.OPEN
        super().pre_add(item)

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        # Any task in the user's scope (the overdue list's filter does not hide a task's page).
        pk = self._deserialize_pk_if_composite(pk)
        task = self.datamodel.get(pk, self.datamodel.get_filters().add_filter_list(SCOPED))
        if task is None:
            abort(404)
        widgets = self._get_show_widget(pk, task)
        self.update_redirect()
        return self.render_template(
            self.show_template,
            pk=pk,
            title=self.show_title,
            widgets=widgets,
            related_views=self._related_views,
            panel=task_panel(task),
        )

    def render_template(self, template, **kwargs):
        if template == self.list_template:
            kwargs.setdefault("overdue_view", type(self) is OverdueTaskView)
        return super().render_template(template, **kwargs)


class OverdueTaskView(RectificationTaskView):
    """The ledger filtered to overdue tasks."""

    base_filters = [*SCOPED, ["deadline", OverdueFilter, lambda: None]]
    base_permissions = ["can_list", "can_show"]
    list_title = _l("逾期整改任务")


def task_panel(task):
    """What the task page shows under its fields: status, moves, source, history."""
    history = (
        db.session.query(AuditEntry)
        .filter_by(record_type="rectification_task", record_id=task.id)
        .order_by(AuditEntry.seq.desc())
        .limit(50)
        .all()
    )
    linked = rectification.linked_record(task)
    link = None
    if linked:
        _kind, record = linked
        link = (record_url(record), str(record))
    return {
        "task": task,
        "overdue": task.overdue,
        "actions": rectification.allowed_actions(task, g.user),
        "action_labels": rectification.ACTION_LABELS,
        "link": link,
        "history": history,
        "audit_labels": AUDIT_ACTION,
    }


def ledger_sources(record):
    """For a system or item page: the tasks it can open, and those already opened."""
    if isinstance(record, InformationSystem):
        record_type, sources = "system", rectification.system_sources(record)
    elif isinstance(record, ServiceItem):
        record_type, sources = "item", rectification.item_sources(record)
    else:
        return None
    if not sources:
        return None
    keys = {
        kind: rectification.source_key(record_type, record.id, kind) for kind, _label in sources
    }
    opened = rectification.tasks_by_key(db.session, keys.values())
    can_open = permissions.can(g.user, "keep_ledger")
    return [
        {
            "kind": kind,
            "label": label,
            "task_id": opened.get(keys[kind]),
            "url": url_for(
                "LedgerView.open_from_record",
                record_type=record_type,
                record_id=record.id,
                kind=kind,
            ),
            "can_open": can_open,
        }
        for kind, label in sources
    ]


class LedgerView(BaseView):
    """Moves of a task's status, opening tasks from records and findings, the XLSX export."""

    route_base = "/ledger"
    default_view = "export"
    method_permission_name = {
        "move": "update",
        "open_from_record": "update",
        "open_from_finding": "update",
        "export": "read",
    }

    def _commit(self, func, success):
        """Run one service call in its own transaction; returns the task, the existing one when
        the task was already opened, or None."""
        with one_transaction(success) as outcome:
            task = func()
        if outcome.ok:
            return task
        if isinstance(outcome.error, DuplicateTaskError):
            return outcome.error.task
        return None

    @expose("/task/<int:task_id>/<action>", methods=["POST"])
    @has_access
    def move(self, task_id, action):
        task = db.session.get(RectificationTask, task_id)
        if task is None or not scope.is_visible(g.user, task):
            abort(404)
        new_deadline = None
        raw = request.form.get("new_deadline", "").strip()
        if raw:
            try:
                new_deadline = date.fromisoformat(raw)
            except ValueError:
                flash(_("日期格式应为“年-月-日”，例如 2026-12-31。"), "danger")
                return redirect(url_for("RectificationTaskView.show", pk=task_id))
        self._commit(
            lambda: rectification.move(
                db.session,
                task,
                g.user,
                action,
                reason=request.form.get("reason"),
                evidence=request.form.get("evidence"),
                new_deadline=new_deadline,
            ),
            _("整改状态已更新。"),
        )
        return redirect(url_for("RectificationTaskView.show", pk=task_id))

    @expose("/open/<record_type>/<int:record_id>/<kind>", methods=["POST"])
    @has_access
    def open_from_record(self, record_type, record_id, kind):
        model = {"system": InformationSystem, "item": ServiceItem}.get(record_type)
        record = db.session.get(model, record_id) if model else None
        if record is None or not scope.is_visible(g.user, record):
            abort(404)
        opener = (
            rectification.open_from_system
            if record_type == "system"
            else rectification.open_from_item
        )
        task = self._commit(
            lambda: opener(db.session, g.user, record, kind),
            _("已登记整改任务，请补充责任人和完成时限。"),
        )
        if task is None:
            return redirect(record_url(record))
        return redirect(url_for("RectificationTaskView.show", pk=task.id))

    @expose("/open/finding/<kind>/<int:record_id>", methods=["POST"])
    @has_access
    def open_from_finding(self, kind, record_id):
        task = self._commit(
            lambda: portfolio.open_finding_task(db.session, g.user, kind, record_id),
            _("已登记整改任务，请补充责任人和完成时限。"),
        )
        if task is None:
            return redirect(url_for("PortfolioView.index"))
        return redirect(url_for("RectificationTaskView.show", pk=task.id))

    @expose("/export.xlsx")
    @has_access
    @transactional(refused=lambda *args: redirect(url_for("RectificationTaskView.list")))
    def export(self):
        from app.reports.ledger import ledger_xlsx

        overdue_only = request.args.get("overdue") == "1"
        tasks = rectification.ledger(db.session, g.user, overdue_only=overdue_only)
        section = None if overdue_only else finding_actions.ledger_section(db.session, g.user)
        body = ledger_xlsx(tasks, findings=section)
        audit.record_event(
            db.session,
            "export",
            record_type="rectification_task",
            summary=_("导出整改台账 {n} 条").format(n=len(tasks)),
        )
        filename = f"rectification-ledger-{date.today().isoformat()}.xlsx"
        return send_download(body, filename, cache_control="no-store")
