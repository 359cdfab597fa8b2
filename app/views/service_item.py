"""Service items (线上办事事项) with their materials and process nodes as child lists."""

from flask import flash, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.models import Material, ProcessNode, ServiceItem
from app.security.filters import DEPARTMENT_CHOICES, SCOPED, HostingSystemChoiceFilter

from .base import ConsoleInterface, ConsoleModelView, multiline
from .record_panel import ReviewableMixin


class _ItemChildView(ConsoleModelView):
    """A child of a service item: added from the item's page, never moved to another item."""

    @expose("/add", methods=["GET", "POST"])
    @has_access
    def add(self):
        if not any(arg.startswith("_flt_0_item") for arg in request.args):
            flash(_("请在服务事项详情页中添加。"), "warning")
            return redirect(url_for("ServiceItemView.list"))
        return super().add()


class MaterialView(_ItemChildView):
    datamodel = ConsoleInterface(Material)
    base_filters = SCOPED
    list_title = _l("申报材料")
    show_title = _l("申报材料详情")
    add_title = _l("新增申报材料")
    edit_title = _l("编辑申报材料")
    list_columns = ["position", "name", "required", "form", "copies", "notes"]
    show_columns = [
        "item",
        "position",
        "name",
        "required",
        "form",
        "copies",
        "notes",
        "created_by",
        "created_at",
        "updated_at",
    ]
    add_columns = ["item", "position", "name", "required", "form", "copies", "notes"]
    edit_columns = ["position", "name", "required", "form", "copies", "notes"]
    search_columns = ["name", "form", "required"]
    base_order = ("position", "asc")


class ProcessNodeView(_ItemChildView):
    datamodel = ConsoleInterface(ProcessNode)
    base_filters = SCOPED
    list_title = _l("流转环节")
    show_title = _l("流转环节详情")
    add_title = _l("新增流转环节")
    edit_title = _l("编辑流转环节")
    list_columns = [
        "position",
        "name",
        "kind",
        "handling_department",
        "handling_post",
        "approval_level",
        "time_limit_days",
    ]
    show_columns = [
        "item",
        "position",
        "name",
        "kind",
        "handling_department",
        "handling_post",
        "approval_level",
        "time_limit_days",
        "created_by",
        "created_at",
        "updated_at",
    ]
    add_columns = [
        "item",
        "position",
        "name",
        "kind",
        "handling_department",
        "handling_post",
        "approval_level",
        "time_limit_days",
    ]
    edit_columns = add_columns[1:]
    search_columns = ["name", "kind", "handling_post"]
    base_order = ("position", "asc")


class ServiceItemView(ReviewableMixin, ConsoleModelView):
    datamodel = ConsoleInterface(ServiceItem)
    record_show_template = "ledger/record_show.html"  # adds the ledger panel
    base_filters = SCOPED
    add_form_query_rel_fields = edit_form_query_rel_fields = {
        **DEPARTMENT_CHOICES,
        "hosting_system": [["id", HostingSystemChoiceFilter, lambda: None]],
    }
    list_title = _l("服务事项列表")
    show_title = _l("服务事项详情（一事一单）")
    add_title = _l("新增服务事项")
    edit_title = _l("编辑服务事项")
    related_views = [MaterialView, ProcessNodeView]
    show_template = "appbuilder/general/model/show_cascade.html"
    edit_template = "appbuilder/general/model/edit_cascade.html"
    formatters_columns = {
        key: multiline
        for key in (
            "conditions",
            "path",
            "consultation",
            "tips",
            "pain_points",
            "suggestions",
            "transformation_needs",
            "disposition_note",
            "offline_plan",
        )
    }
    list_columns = [
        "code",
        "name",
        "department",
        "kind",
        "running_status",
        "hosting_system",
        "time_limit_days",
        "status",
    ]
    basic = [
        "code",
        "name",
        "department",
        "post",
        "kind",
        "running_status",
        "hosting_system",
        "online_entry",
        "user_groups",
    ]
    modules = ["conditions", "path", "consultation", "time_limit_days", "service_hours", "tips"]
    findings = [
        "pain_points",
        "suggestions",
        "transformation_needs",
        "disposition",
        "disposition_note",
    ]
    # Before go-live on the service hall (measures art. 4(3)④, 16).
    hall = ["offline_plan", "classified"]
    add_fieldsets = edit_fieldsets = [
        (_l("基本信息"), {"fields": basic}),
        (_l("六大模块"), {"fields": modules}),
        (_l("问题与建议"), {"fields": findings, "expanded": True}),
        (_l("网上办事大厅"), {"fields": hall, "expanded": True}),
    ]
    show_fieldsets = [
        (_l("基本信息"), {"fields": basic + ["status"]}),
        (_l("六大模块"), {"fields": modules}),
        (_l("问题与建议"), {"fields": findings}),
        (_l("网上办事大厅"), {"fields": ["lifecycle"] + hall}),
        (
            _l("记录信息"),
            {
                "fields": ["version", "created_by", "created_at", "updated_by", "updated_at"],
                "expanded": False,
            },
        ),
    ]
    search_columns = [
        "code",
        "name",
        "post",
        "kind",
        "running_status",
        "status",
        "online_entry",
        "time_limit_days",
    ]
    base_order = ("code", "asc")
