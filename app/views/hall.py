"""The service hall's pages: what waits for me, a unit's confirmation, handlers proposed,
decided and filed, and the records of requests, assignments and training.

Every rule they apply lives in `app.services.review` (`lifecycle`, `hall`, `handlers`)."""

from datetime import date

from flask import abort, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import (
    HallDrill,
    HallRequest,
    HallStep,
    HandlerAssignment,
    ProcessNode,
    TrainingRecord,
)
from app.models.registry import record_url
from app.security.filters import SCOPED
from app.services.access import permissions
from app.services.errors import NotFoundError
from app.services.ledger import drills
from app.services.review import handlers, tasks
from app.services.review.hall import confirm
from app.services.review.lifecycle import Evidence

from .base import ConsoleInterface, ConsoleModelView
from .download import send_download
from .redirects import safe_next
from .training_import import IMPORT_PERMISSIONS, TrainingImportMixin
from .transaction import one_transaction


def evidence_from(req) -> Evidence:
    """What a lifecycle form sent besides its note (bad dates read as missing)."""
    upload = req.files.get("attachment")
    data = upload.read() if upload and upload.filename else None
    try:
        event_date = date.fromisoformat(req.form.get("event_date", ""))
    except ValueError:
        event_date = None
    return Evidence(
        password=req.form.get("password", ""),
        no_classified=req.form.get("no_classified") in ("y", "on", "1", "true"),
        event_date=event_date,
        attachment_name=upload.filename if data else None,
        attachment_type=(upload.mimetype or "application/octet-stream") if data else None,
        attachment=data,
    )


class HallView(BaseView):
    """The service hall's tasks and the moves that are not an item's own lifecycle move."""

    route_base = "/hall"
    default_view = "index"
    method_permission_name = {
        "index": "read",
        "attachment": "read",
        "confirm_item": "confirm",
        "node_handlers": "propose",
        "propose": "propose",
        "approve": "decide",
        "return_": "decide",
        "filing": "file",
        "file_": "file",
    }

    @expose("/")
    @has_access
    def index(self):
        return self.render_template(
            "hall/index.html",
            rows=tasks.next_steps(db.session, g.user),
            title=_("办事大厅待办"),
            can_keep_training=permissions.can(g.user, "keep_training"),
        )

    @staticmethod
    def _involved(item_id):
        """The item when the user's unit has a part in it; else 404, like any out of scope."""
        try:
            return tasks.involved_item(db.session, item_id, g.user)
        except NotFoundError:
            abort(404)

    @expose("/item/<int:item_id>/confirm", methods=["POST"])
    @has_access
    def confirm_item(self, item_id):
        item = self._involved(item_id)
        with one_transaction(_("本单位已确认上线。")):
            confirm(db.session, item, g.user, request.form.get("note", ""))
        return redirect(safe_next(url_for("HallView.index")))

    def _node(self, node_id):
        node = db.session.get(ProcessNode, node_id) or abort(404)
        self._involved(node.item_id)
        return node

    @expose("/node/<int:node_id>/handlers")
    @has_access
    def node_handlers(self, node_id):
        node = self._node(node_id)
        department = node.handling_department or node.item.department
        with one_transaction() as outcome:
            people = handlers.candidates(db.session, department)
        return self.render_template(
            "hall/node.html",
            node=node,
            department=department,
            people=people if outcome.ok else [],
            history=tasks.node_history(db.session, node),
            title=_("环节办理人"),
        )

    @expose("/node/<int:node_id>/propose", methods=["POST"])
    @has_access
    def propose(self, node_id):
        node = self._node(node_id)
        with one_transaction(_("已提交办理人备案申请，等待党政办公室审批。")):
            handlers.propose(db.session, node, g.user, request.form.get("username", ""))
        return redirect(url_for("HallView.node_handlers", node_id=node_id))

    def _assignment(self, row_id):
        row = db.session.get(HandlerAssignment, row_id)
        try:
            return tasks.visible_assignment(g.user, row)
        except NotFoundError:
            abort(404)

    @expose("/assignment/<int:row_id>/approve", methods=["POST"])
    @has_access
    def approve(self, row_id):
        row = self._assignment(row_id)
        with one_transaction(_("已批准并签名。")):
            handlers.decide(db.session, row, g.user, "approved", request.form.get("password", ""))
        return redirect(record_url(row))

    @expose("/assignment/<int:row_id>/return", methods=["POST"])
    @has_access
    def return_(self, row_id):
        row = self._assignment(row_id)
        with one_transaction(_("已退回并签名。")):
            handlers.decide(
                db.session,
                row,
                g.user,
                "returned",
                request.form.get("password", ""),
                request.form.get("comment", ""),
            )
        return redirect(record_url(row))

    @expose("/filing/")
    @has_access
    def filing(self):
        return self.render_template(
            "hall/filing.html",
            rows=tasks.awaiting_filing(db.session),
            title=_("办理人备案与授权"),
        )

    @expose("/assignment/<int:row_id>/file", methods=["POST"])
    @has_access
    def file_(self, row_id):
        row = db.session.get(HandlerAssignment, row_id) or abort(404)
        with one_transaction(_("已备案，办理人已获得权限。")):
            handlers.file(db.session, row, g.user)
        return redirect(url_for("HallView.filing"))

    @expose("/step/<int:step_id>/attachment")
    @has_access
    def attachment(self, step_id):
        step = db.session.get(HallStep, step_id) or abort(404)
        self._involved(step.item_id)
        if step.attachment is None:
            abort(404)
        return send_download(step.attachment, step.attachment_name, step.attachment_type)


class _ReadOnly(ConsoleModelView):
    """A record the hall's services write; its page shows what may be done with it."""

    base_permissions = ["can_list", "can_show"]
    base_filters = SCOPED
    record_template = ""

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        widgets = self._show(pk)
        return self.render_template(
            self.record_template,
            pk=pk,
            title=self.show_title,
            widgets=widgets,
            related_views=self._related_views,
            base_show_template=self.show_template,
            record=self.datamodel.get(pk, self._base_filters),
            decide=DECIDE,
        )


# The office's decision on a request of each kind: (approve move, return move).
DECIDE = {
    "onboarding": ("approve_onboarding", "reject_onboarding"),
    "change": ("approve_change", "reject_change"),
    "offline": ("approve_offline", "reject_offline"),
}


class HallRequestView(_ReadOnly):
    """Onboarding, change and offline requests; decided on the item's page."""

    datamodel = ConsoleInterface(HallRequest)
    list_title = _l("上线流程申请")
    show_title = _l("上线流程申请")
    record_template = "hall/request_show.html"
    list_columns = ["kind", "item", "department", "status", "submitted_at", "signer_name"]
    show_columns = [
        "kind",
        "item",
        "department",
        "reason",
        "no_classified",
        "status",
        "submitted_by",
        "submitted_at",
        "signer_name",
        "decided_at",
        "decision_comment",
        "signature_hash",
    ]
    search_columns = ["kind", "status"]
    base_order = ("id", "desc")


class HandlerAssignmentView(_ReadOnly):
    """Who handles which node, from proposal to filing, and who left (the history)."""

    datamodel = ConsoleInterface(HandlerAssignment)
    list_title = _l("办理人备案")
    show_title = _l("办理人备案")
    record_template = "hall/assignment_show.html"
    list_columns = ["display_name", "username", "node", "item", "department", "status"]
    show_columns = [
        "display_name",
        "username",
        "employee_type",
        "node",
        "item",
        "department",
        "status",
        "submitted_by",
        "submitted_at",
        "signer_name",
        "decided_at",
        "decision_comment",
        "signature_hash",
        "filed_by_name",
        "filed_at",
        "ended_at",
        "end_reason",
    ]
    search_columns = ["status", "username", "display_name"]
    base_order = ("id", "desc")


class TrainingRecordView(TrainingImportMixin, ConsoleModelView):
    """Training sessions' attendance and assessment results (art. 18), kept by the IT office,
    typed in or imported from a sheet."""

    datamodel = ConsoleInterface(TrainingRecord)
    method_permission_name = IMPORT_PERMISSIONS
    list_template = "hall/training_list.html"
    list_title = _l("培训考核记录")
    show_title = _l("培训考核记录")
    add_title = _l("新增培训考核记录")
    edit_title = _l("编辑培训考核记录")
    columns = ["username", "display_name", "session_name", "session_date", "passed", "score"]
    list_columns = columns + ["valid_until"]
    show_columns = columns + ["valid_until", "created_by", "created_at"]
    add_columns = edit_columns = columns + ["valid_until"]
    search_columns = ["username", "display_name", "session_name", "passed"]
    base_order = ("session_date", "desc")


class HallDrillView(ConsoleModelView):
    """The hall's technical emergency plan and its drills; a drill's findings open a task."""

    datamodel = ConsoleInterface(HallDrill)
    method_permission_name = {"open_tasks": "tasks"}
    list_title = show_title = _l("应急预案与演练")
    add_title = _l("新增应急预案或演练")
    edit_title = _l("编辑应急预案或演练")
    show_template = "hall/drill_show.html"
    columns = ["kind", "title", "held_on", "content", "findings", "department"]
    list_columns = ["kind", "title", "held_on", "department", "task"]
    show_columns = columns + ["task", "created_by", "created_at"]
    add_columns = edit_columns = columns
    search_columns = ["kind", "title", "held_on"]
    base_order = ("held_on", "desc")

    @expose("/tasks/<int:pk>", methods=["POST"])
    @has_access
    def open_tasks(self, pk):
        drill = db.session.get(HallDrill, pk) or abort(404)
        with one_transaction(_("已生成整改任务。")):
            drills.open_task(db.session, drill, g.user)
        return redirect(url_for("HallDrillView.show", pk=pk))
