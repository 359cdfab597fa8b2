"""The cases' pages: the public service list of live items, applying, 我的办件, the 待办 inbox
of handlers, and a case's page with its progress and timeline; and the office's records.

Every rule they apply lives in `app.services.cases` (`applying`, `handling`, `files`)."""

from flask import abort, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import Case, CaseFile, CaseRating, CaseTask, Material, ServiceItem
from app.services.access import permissions
from app.services.cases import applying, files, flow, handling, rating
from app.services.errors import DomainError, NotFoundError

from .base import ConsoleInterface, ConsoleModelView
from .download import send_download
from .transaction import one_transaction


class CasePortalView(BaseView):
    """Applying for live items, following one's cases, and handling the steps of one's nodes."""

    route_base = "/cases"
    default_view = "index"
    method_permission_name = {
        "index": "apply",
        "apply": "apply",
        "edit": "apply",
        "mine": "apply",
        "show": "apply",
        "withdraw": "apply",
        "rate": "apply",
        "download": "apply",
        "inbox": "handle",
        "act": "handle",
    }

    @expose("/")
    @has_access
    def index(self):
        term = request.args.get("q", "").strip()[:50]
        department = request.args.get("department", type=int)
        every = applying.live_items(db.session)
        departments = sorted(
            {item.department for item in every if item.department}, key=lambda d: d.code
        )
        return self.render_template(
            "cases/service_list.html",
            items=applying.matching(every, term, department),
            total=len(every),
            departments=departments,
            term=term,
            department=department,
            title=_("网上办事"),
        )

    @expose("/apply/<int:item_id>", methods=["POST"])
    @has_access
    def apply(self, item_id):
        item = db.session.get(ServiceItem, item_id) or abort(404)
        with one_transaction() as outcome:
            case = applying.apply(db.session, item, g.user)
        if not outcome.ok:
            return redirect(url_for("CasePortalView.index"))
        return redirect(url_for("CasePortalView.edit", case_id=case.id))

    def _case(self, case_id):
        try:
            return applying.load(db.session, case_id, g.user)
        except NotFoundError:
            abort(404)

    @expose("/<int:case_id>/edit", methods=["GET", "POST"])
    @has_access
    def edit(self, case_id):
        case = self._case(case_id)
        if case.applicant_id != g.user.id:
            abort(404)
        if request.method == "POST":
            action = request.form.get("action", "save")
            message = _("已提交申请。") if action == "submit" else _("草稿已保存。")
            with one_transaction(message) as outcome:
                applying.save_draft(
                    db.session,
                    case,
                    g.user,
                    note=request.form.get("note", ""),
                    conditions_confirmed=request.form.get("conditions_confirmed") == "y",
                )
                self._uploads(case)
                if action == "submit":
                    applying.submit(db.session, case, g.user)
            if outcome.ok and action == "submit":
                return redirect(url_for("CasePortalView.show", case_id=case.id))
            return redirect(url_for("CasePortalView.edit", case_id=case.id))
        return self.render_template(
            "cases/edit.html",
            case=case,
            form=applying.form_of(case.item),
            missing=applying.missing(case),
            title=_("在线申请：{item}").format(item=case.item.name),
        )

    def _uploads(self, case):
        for material in case.item.materials:
            upload = request.files.get(f"material_{material.id}")
            if upload and upload.filename:
                applying.attach(
                    db.session,
                    case,
                    g.user,
                    db.session.get(Material, material.id),
                    upload.filename,
                    upload.read(),
                    upload.mimetype,
                )
        for file_id in request.form.getlist("remove_file"):
            row = db.session.get(CaseFile, int(file_id)) if file_id.isdigit() else None
            if row is not None:
                applying.remove_file(db.session, case, g.user, row)

    @expose("/mine")
    @has_access
    def mine(self):
        cases = applying.my_cases(db.session, g.user)
        return self.render_template(
            "cases/mine.html",
            rows=[(case, applying.progress(db.session, case)) for case in cases],
            title=_("我的办件"),
        )

    @expose("/<int:case_id>")
    @has_access
    def show(self, case_id):
        case = self._case(case_id)
        mine = set()
        if permissions.can(g.user, "handle_case"):
            mine = {row.task.id for row in handling.inbox(db.session, g.user)}
        filed = {}
        for task in case.tasks:
            if task.id in mine:
                filed[task.id] = [
                    a
                    for a in flow.filed_handlers(db.session, task.node_id)
                    if a.username != g.user.username
                ]
        return self.render_template(
            "cases/show.html",
            case=case,
            progress=applying.progress(db.session, case),
            my_tasks=mine,
            colleagues=filed,
            is_applicant=case.applicant_id == g.user.id,
            may_rate=rating.may_rate(case, g.user),
            indicators=[
                (name, CaseRating.__table__.c[name].info["label"]) for name in CaseRating.INDICATORS
            ],
            outcome=rating.outcome(case.rating),
            title=_("办件详情"),
        )

    @expose("/<int:case_id>/rate", methods=["POST"])
    @has_access
    def rate(self, case_id):
        case = self._case(case_id)
        if case.applicant_id != g.user.id:
            abort(404)
        levels = {name: request.form.get(name, "") for name in CaseRating.INDICATORS}
        with one_transaction(_("感谢您的评价。")):
            rating.rate(db.session, case, g.user, levels, request.form.get("comment", ""))
        return redirect(url_for("CasePortalView.show", case_id=case_id))

    @expose("/<int:case_id>/withdraw", methods=["POST"])
    @has_access
    def withdraw(self, case_id):
        case = self._case(case_id)
        with one_transaction(_("已撤回申请。")):
            applying.withdraw(db.session, case, g.user)
        return redirect(url_for("CasePortalView.show", case_id=case_id))

    @expose("/file/<int:file_id>")
    @has_access
    def download(self, file_id):
        row = db.session.get(CaseFile, file_id) or abort(404)
        self._case(row.case_id)
        try:
            data = files.read(row)
        except (DomainError, OSError):
            abort(404)
        return send_download(data, row.filename, row.content_type)

    @expose("/inbox")
    @has_access
    def inbox(self):
        return self.render_template(
            "cases/inbox.html", rows=handling.inbox(db.session, g.user), title=_("待办办件")
        )

    @expose("/task/<int:task_id>/<action>", methods=["POST"])
    @has_access
    def act(self, task_id, action):
        try:
            task = handling.load_task(db.session, task_id, g.user)
        except DomainError:
            abort(404)
        case_id = task.case_id
        password = request.form.get("password", "")
        comment = request.form.get("comment", "")
        moves = {
            "approve": (
                _("已同意并签名。"),
                lambda: handling.approve(db.session, task, g.user, password, comment),
            ),
            "return": (
                _("已退回申请人补正并签名。"),
                lambda: handling.return_to_applicant(db.session, task, g.user, password, comment),
            ),
            "transfer": (
                _("已转办并签名。"),
                lambda: handling.transfer(
                    db.session, task, g.user, password, request.form.get("to", ""), comment
                ),
            ),
            "complete": (
                _("已办结并签名。"),
                lambda: handling.complete(db.session, task, g.user, password, comment),
            ),
        }
        if action not in moves:
            abort(404)
        message, run = moves[action]
        with one_transaction(message):
            run()
        return redirect(url_for("CasePortalView.show", case_id=case_id))


class CaseView(ConsoleModelView):
    """Every case, for the office (read only)."""

    datamodel = ConsoleInterface(Case)
    base_permissions = ["can_list", "can_show"]
    list_title = _l("办件记录")
    show_title = _l("办件记录")
    list_columns = ["id", "item", "department", "applicant", "status", "submitted_at", "due_at"]
    show_columns = [
        "item",
        "department",
        "applicant",
        "status",
        "note",
        "submitted_at",
        "due_at",
        "completed_at",
        "result",
        "return_comment",
        "definition_version",
    ]
    # No relation: the search form would list a whole related table.
    search_columns = ["status", "submitted_at", "due_at"]
    base_order = ("id", "desc")


class CaseTaskView(ConsoleModelView):
    """The node steps of cases, for the office (read only)."""

    datamodel = ConsoleInterface(CaseTask)
    base_permissions = ["can_list", "can_show"]
    list_title = _l("办件环节")
    show_title = _l("办件环节")
    list_columns = ["case", "node_name", "handler", "state", "due_at", "acted_at", "decision"]
    search_columns = ["node_name", "state", "due_at", "decision"]
    show_columns = [
        "case",
        "node_name",
        "handler",
        "state",
        "opened_at",
        "due_at",
        "acted_at",
        "decision",
        "comment",
        "signer_name",
        "signature_hash",
    ]
    base_order = ("id", "desc")


class CaseFileView(ConsoleModelView):
    """The uploaded materials of cases, for the office (read only)."""

    datamodel = ConsoleInterface(CaseFile)
    base_permissions = ["can_list", "can_show"]
    list_title = _l("办件材料")
    show_title = _l("办件材料")
    list_columns = ["case", "material", "filename", "content_type", "size"]
    search_columns = ["filename", "content_type"]
    show_columns = ["case", "material", "filename", "content_type", "size", "sha256"]
    base_order = ("id", "desc")


class CaseRatingView(ConsoleModelView):
    """好差评 of cases, for the office (read only); a poor one links its rectification task."""

    datamodel = ConsoleInterface(CaseRating)
    base_permissions = ["can_list", "can_show"]
    list_title = _l("好差评")
    show_title = _l("办件评价")
    list_columns = ["case", "overall", "efficiency", "guide_accuracy", "rated_at", "task"]
    show_columns = ["case", *CaseRating.INDICATORS, "comment", "rated_at", "task"]
    search_columns = ["overall"]
    base_order = ("id", "desc")
