"""Service items (线上办事事项) with their materials and process nodes as child lists."""

from flask import flash, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.forms.validators import non_negative
from app.models import Material, ProcessNode, ServiceItem
from app.models.choices import (
    DISPOSITION,
    ITEM_KIND,
    MATERIAL_FORM,
    NODE_KIND,
    RUNNING_STATUS,
    USER_GROUP,
    WORKFLOW_STATUS,
)
from app.security.filters import DEPARTMENT_CHOICES, SCOPED, HostingSystemChoiceFilter

from .base import ConsoleInterface, ConsoleModelView, multiline
from .workflow import ReviewableMixin


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
    choice_columns = {"form": MATERIAL_FORM}
    label_columns = {
        "item": _l("所属事项"),
        "position": _l("序号"),
        "name": _l("材料名称"),
        "required": _l("是否必需"),
        "form": _l("材料形式"),
        "copies": _l("份数"),
        "notes": _l("备注"),
    }
    validators_columns = {"copies": [non_negative()], "position": [non_negative()]}
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
    choice_columns = {"kind": NODE_KIND}
    label_columns = {
        "item": _l("所属事项"),
        "position": _l("顺序"),
        "name": _l("环节名称"),
        "kind": _l("环节类型"),
        "handling_department": _l("办理部门"),
        "handling_post": _l("办理岗位"),
        "approval_level": _l("审批层级"),
        "time_limit_days": _l("办理时限（工作日）"),
    }
    description_columns = {
        "kind": _l("相邻的“会签”环节并行办理。"),
        "approval_level": _l("1 表示部门级，2 表示分管校领导级，依此类推。"),
    }
    validators_columns = {
        "time_limit_days": [non_negative()],
        "approval_level": [non_negative()],
        "position": [non_negative()],
    }
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


ITEM_LABELS = {
    "code": _l("事项编码"),
    "name": _l("事项名称"),
    "post": _l("责任岗位"),
    "kind": _l("事项类型"),
    "running_status": _l("运行状态"),
    "hosting_system": _l("承载系统"),
    "online_entry": _l("线上办理入口"),
    "user_groups": _l("使用人群"),
    "conditions": _l("办理要件（办理条件）"),
    "path": _l("办理路径"),
    "consultation": _l("咨询渠道"),
    "time_limit_days": _l("办理时限（工作日）"),
    "service_hours": _l("办理时段"),
    "tips": _l("办理提示"),
    "pain_points": _l("流程痛点"),
    "suggestions": _l("优化建议"),
    "transformation_needs": _l("线上改造需求"),
    "disposition": _l("待改进事项处置"),
    "disposition_note": _l("启用计划或下线理由"),
}


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
    choice_columns = {
        "kind": ITEM_KIND,
        "running_status": RUNNING_STATUS,
        "disposition": (DISPOSITION, False),
        "status": WORKFLOW_STATUS,
    }
    code_set_columns = {"user_groups": USER_GROUP}
    label_columns = ITEM_LABELS
    description_columns = {
        "running_status": _l(
            "良好：已全流程线上运行；待改进：系统已搭建但未实际启用；"
            "待部署：暂未上线、具备线上改造条件。"
        ),
        "disposition": _l("仅“待改进”事项填写：计划启用，或拟下线。"),
        "transformation_needs": _l("“待部署”事项填写线上改造需求。"),
        "online_entry": _l("如：融合门户—应用中心—学生请假，或网址。"),
    }
    validators_columns = {"time_limit_days": [non_negative()]}
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
    add_fieldsets = edit_fieldsets = [
        (_l("基本信息"), {"fields": basic}),
        (_l("六大模块"), {"fields": modules}),
        (_l("问题与建议"), {"fields": findings, "expanded": True}),
    ]
    show_fieldsets = [
        (_l("基本信息"), {"fields": basic + ["status"]}),
        (_l("六大模块"), {"fields": modules}),
        (_l("问题与建议"), {"fields": findings}),
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
