"""治理发现: the findings page (college and per department), the capability map, the capability
list and the rules' settings the IT office keeps."""

from datetime import date

from flask import flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import SelectField
from wtforms.validators import InputRequired

from app.extensions import db
from app.models import Capability, Department, FindingSetting
from app.services.access import permissions, scope
from app.services.errors import DomainError
from app.services.insight import finding_actions, finding_platforms, findings

from .base import ConsoleInterface, ConsoleModelView, multiline
from .params import bounded_int
from .transaction import one_transaction


def _back():
    return redirect(request.form.get("back") or url_for("FindingsView.index"))


class FindingsView(BaseView):
    """The findings with filters and paging; opening a task and dismissing post here."""

    route_base = "/findings"
    default_view = "index"
    method_permission_name = {
        "index": "read",
        "capabilities": "read",
        "open_task": "update",
        "dismiss": "update",
    }

    @expose("/")
    @has_access
    def index(self):
        rule = request.args.get("rule") or None
        department_id = bounded_int(request.args.get("department", "")) or None
        state = request.args.get("state", "open")
        data = finding_actions.page(
            db.session,
            g.user,
            rule=rule if rule in findings.BY_CODE else None,
            department_id=department_id,
            state=state,
            number=bounded_int(request.args.get("page", "1")) or 1,
        )
        departments = (
            scope.department_choices(g.user, db.session.query(Department))
            .order_by(Department.sort_order, Department.code)
            .all()
        )
        return self.render_template(
            "findings/index.html",
            title=_("治理发现"),
            data=data,
            rules=findings.RULES,
            groups=findings.GROUPS,
            rule=rule,
            department_id=department_id,
            state=state if state in finding_actions.STATES else "open",
            departments=departments,
            can_keep=permissions.can(g.user, "keep_ledger"),
        )

    @expose("/capabilities")
    @has_access
    def capabilities(self):
        return self.render_template(
            "findings/capabilities.html",
            title=_("业务能力地图"),
            rows=finding_platforms.capability_map(db.session),
        )

    @expose("/open/<key>", methods=["POST"])
    @has_access
    def open_task(self, key):
        raw = request.form.get("deadline", "").strip()
        try:
            deadline = date.fromisoformat(raw) if raw else None
        except ValueError:
            flash(_("日期格式应为 YYYY-MM-DD。"), "danger")
            return _back()
        with one_transaction(_("已登记整改任务。")) as outcome:
            task = finding_actions.open_task(
                db.session, g.user, key, owner=request.form.get("owner"), deadline=deadline
            )
        if outcome.ok:
            return redirect(url_for("RectificationTaskView.show", pk=task.id))
        existing = getattr(outcome.error, "task", None)
        if existing is not None:
            return redirect(url_for("RectificationTaskView.show", pk=existing.id))
        return _back()

    @expose("/dismiss/<key>", methods=["POST"])
    @has_access
    def dismiss(self, key):
        with one_transaction(_("已标记为不予整改。")):
            finding_actions.dismiss(db.session, g.user, key, request.form.get("reason"))
        return _back()


class CapabilityView(ConsoleModelView):
    """The capability list (业务能力清单) the IT office maintains."""

    datamodel = ConsoleInterface(Capability)
    list_title = _l("业务能力清单")
    show_title = _l("业务能力详情")
    add_title = _l("新增业务能力")
    edit_title = _l("编辑业务能力")
    formatters_columns = {"description": multiline}
    # The code is the rules' key (kept in the form), not something a reader needs.
    list_columns = ["name", "description"]
    add_columns = edit_columns = ["code", "name", "description"]
    show_columns = ["name", "description", "created_at", "updated_at"]
    search_columns = ["name", "code"]
    base_order = ("code", "asc")


def _rule_title(code):
    rule = findings.BY_CODE.get(code)
    return str(rule.title) if rule else code


class FindingSettingView(ConsoleModelView):
    """Each rule switched on or off and its thresholds (JSON), checked before saving."""

    datamodel = ConsoleInterface(FindingSetting)
    list_title = _l("发现规则设置")
    show_title = _l("发现规则设置详情")
    add_title = _l("新增发现规则设置")
    edit_title = _l("编辑发现规则设置")
    formatters_columns = {"rule": _rule_title}
    add_form_extra_fields = {
        "rule": SelectField(
            _l("规则"),
            choices=[(rule.code, rule.title) for rule in findings.RULES],
            validators=[InputRequired()],
        )
    }
    list_columns = ["rule", "enabled", "params"]
    add_columns = ["rule", "enabled", "params"]
    edit_columns = ["enabled", "params"]
    show_columns = add_columns + ["updated_at"]
    base_order = ("rule", "asc")

    def pre_add(self, item):
        findings.parse_params(item.rule, item.params)
        taken = db.session.scalar(select(FindingSetting.id).where(FindingSetting.rule == item.rule))
        if taken:
            raise DomainError(_("该规则已有设置，请编辑原设置。"))
        super().pre_add(item)

    def pre_update(self, item):
        findings.parse_params(item.rule, item.params)
        super().pre_update(item)
