"""Checks of live items' online entries: the list, and the IT office's 立即检查 button."""

from flask import abort, current_app, flash, g, redirect, url_for
from flask_appbuilder import expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app import jobs
from app.extensions import db
from app.models import EntryCheck
from app.models.registry import record_url
from app.security.filters import SCOPED
from app.services.access import permissions
from app.services.ledger import entries

from .base import ConsoleInterface, ConsoleModelView
from .transaction import one_transaction


def _item_link(item):
    return Markup('<a href="{}">{} {}</a>').format(record_url(item), item.code, item.name)


def _task_link(task):
    if task is None:
        return ""
    return Markup('<a href="{}">{}</a>').format(
        url_for("RectificationTaskView.show", pk=task.id), task.title
    )


def _address(url):
    if not url:
        return ""
    return Markup('<a href="{0}" rel="noopener noreferrer" target="_blank">{0}</a>').format(url)


class EntryCheckView(ConsoleModelView):
    """What the last check of each live item's entry found (read only; the checks write it)."""

    datamodel = ConsoleInterface(EntryCheck)
    base_filters = SCOPED
    base_permissions = ["can_list", "can_show", "can_run", "can_job"]
    list_title = _l("办事入口检查")
    show_title = _l("办事入口检查详情")
    list_template = "entries/list.html"
    list_columns = ["item", "url", "outcome", "status_code", "detail", "failures", "checked_at"]
    show_columns = [
        "item",
        "url",
        "outcome",
        "status_code",
        "detail",
        "failures",
        "failing_since",
        "checked_at",
        "task",
    ]
    search_columns = ["outcome", "failures", "checked_at"]
    base_order = ("failures", "desc")
    formatters_columns = {"item": _item_link, "task": _task_link, "url": _address}

    @expose("/run", methods=["POST"])
    @has_access
    def run(self):
        """Check now: a few entries in the request, many in the background worker."""
        live = len(entries.live_items(db.session))
        if live > current_app.config.get("ENTRY_CHECK_INLINE_ITEMS", 20):
            permissions.ensure(g.user, "check_entries")
            job_id = jobs.enqueue_entry_check(g.user.id, live)
            return redirect(url_for("EntryCheckView.job", job_id=job_id))
        with one_transaction() as outcome:
            counts = entries.check_all(db.session, g.user, current_app.config)
        if outcome.ok:
            flash(_summary(counts), "success" if not _failed(counts) else "warning")
        return redirect(url_for("EntryCheckView.list"))

    @expose("/jobs/<job_id>")
    @has_access
    def job(self, job_id):
        """A background check's progress; the page reloads itself until the check is over."""
        found = jobs.state(job_id) if job_id.isalnum() and len(job_id) == 32 else None
        if found is None or found.get("kind") != "entries" or found.get("owner_id") != g.user.id:
            abort(404)
        counts = found.get("summary")
        return self.render_template(
            "entries/job.html",
            title=_("办事入口检查进度"),
            job=found,
            summary=_summary(counts) if counts else "",
            failed=bool(counts) and _failed(counts),
        )


def _summary(counts):
    return _(
        "已检查 {n} 个办事入口：可访问 {alive}，失效 {dead}，无法连接 {unreachable}，"
        "不是网址 {no_url}；新登记整改任务 {tasks} 条。"
    ).format(n=sum(v for k, v in counts.items() if k != "tasks"), **counts)


def _failed(counts):
    return bool(counts["dead"] or counts["unreachable"])
