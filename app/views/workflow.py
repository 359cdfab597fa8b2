"""Review workflow pages: actions on a record, the reviewer's inbox, versions, print.

The panel shown on a record's own page is in `record_panel`."""

import json

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.models import Department, ReviewDecision, registry
from app.models.registry import record_url
from app.services.errors import NotFoundError
from app.services.publish import verification
from app.services.review import inbox, lifecycle, workflow
from app.services.trail.snapshot import diff

from .download import IMAGE_MIMETYPES, send_image
from .paging import page_of
from .params import bounded_int
from .record_panel import FieldWords
from .redirects import public_base_url, safe_next
from .transaction import one_transaction


def _chart_response(nodes, fmt):
    from app.reports.flowchart import flowchart

    if fmt not in IMAGE_MIMETYPES:
        abort(404)
    return send_image(flowchart(nodes, fmt), fmt, "private, max-age=300")


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
        record = self._load(record_type, record_id)
        with one_transaction(_("已提交审核。")) as outcome:
            lacking = workflow.submit(db.session, record, g.user)
        if outcome.ok and lacking:
            flash(_("建议补充：{items}。").format(items="、".join(lacking)), "warning")
        return redirect(safe_next(record_url(record_type, record_id)))

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
        from .hall import evidence_from

        return self._run(
            "service_item",
            record_id,
            lifecycle.move,
            _("事项状态已更新。"),
            action=action,
            note=request.form.get("note", ""),
            evidence=evidence_from(request),
        )

    @expose("/inbox/")
    @has_access
    def inbox(self):
        kinds = {key: registry.BY_KEY[key].label for key in inbox.WAITING}
        chosen = {
            "kind": request.args.get("kind") if request.args.get("kind") in kinds else "",
            "department": bounded_int(request.args.get("department")),
            "overdue": request.args.get("overdue") == "1",
        }
        rows = inbox.pending(db.session, chosen["kind"], chosen["department"], chosen["overdue"])
        page = page_of(rows)
        for row in page.rows:
            row["url"] = record_url(row["record_type"], row["record"].id)
        departments = db.session.query(Department.id, Department.name).order_by(
            Department.sort_order, Department.code
        )
        return self.render_template(
            "workflow/inbox.html",
            rows=page.rows,
            page=page,
            chosen=chosen,
            departments=departments.all(),
            kinds=kinds,
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
