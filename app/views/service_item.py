"""Service items (线上办事事项) with their materials and process nodes as child lists."""

from flask import flash, g, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import Department, Material, ProcessNode, ServiceItem
from app.models.validators import next_position
from app.security.filters import DEPARTMENT_CHOICES, SCOPED, HostingSystemChoiceFilter
from app.services.access import permissions
from app.services.catalog.codes import next_item_code

from .base import RECORD_INFO_FIELDSET, ConsoleInterface, ConsoleModelView, multiline
from .list_filters import QuickFilterMixin
from .params import bounded_int
from .record_panel import ReviewableMixin


class _ItemChildView(ConsoleModelView):
    """A child of a service item: added from the item's page, never moved to another item; a
    new one takes the position after the last, and saving returns to the item's page (also
    when the form was opened from a bookmark).

    A subclass names its `fields` once; the list, add, edit and show columns follow from them.
    """

    fields: list[str] = []

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.list_columns = list(cls.fields)
        cls.add_columns = ["item", *cls.fields]
        cls.edit_columns = list(cls.fields)
        cls.show_columns = ["item", *cls.fields, "created_by", "created_at", "updated_at"]

    @expose("/add", methods=["GET", "POST"])
    @has_access
    def add(self):
        if not any(arg.startswith("_flt_0_item") for arg in request.args):
            flash(_("请在服务事项详情页中添加。"), "warning")
            return redirect(url_for("ServiceItemView.list"))
        return super().add()

    def _item(self):
        item_id = bounded_int(request.args.get("_flt_0_item"))
        item = db.session.get(ServiceItem, item_id) if item_id is not None else None
        return item if item is not None and permissions.is_visible(g.user, item) else None

    def _get_add_widget(self, form, exclude_cols=None, widgets=None):
        item = self._item()
        if request.method == "GET" and item is not None and "position" in form:
            siblings = item.materials if self.datamodel.obj is Material else item.nodes
            form.position.data = next_position(child.position or 0 for child in siblings)
        return super()._get_add_widget(form, exclude_cols=exclude_cols, widgets=widgets)

    def post_add_redirect(self):
        item = self._item()
        if item is None:
            return super().post_add_redirect()
        return redirect(url_for("ServiceItemView.show", pk=item.id))


class MaterialView(_ItemChildView):
    datamodel = ConsoleInterface(Material)
    base_filters = SCOPED
    list_title = _l("申报材料")
    show_title = _l("申报材料详情")
    add_title = _l("新增申报材料")
    edit_title = _l("编辑申报材料")
    fields = ["position", "name", "required", "form", "copies", "source", "notes"]
    search_columns = ["name", "form", "required"]
    base_order = ("position", "asc")


class ProcessNodeView(_ItemChildView):
    datamodel = ConsoleInterface(ProcessNode)
    base_filters = SCOPED
    list_title = _l("流转环节")
    show_title = _l("流转环节详情")
    add_title = _l("新增流转环节")
    edit_title = _l("编辑流转环节")
    fields = [
        "position",
        "name",
        "kind",
        "handling_department",
        "handling_post",
        "approval_level",
        "time_limit",
    ]
    search_columns = ["name", "kind", "handling_post"]
    base_order = ("position", "asc")


class ServiceItemView(QuickFilterMixin, ReviewableMixin, ConsoleModelView):
    quick_filters = ("department", "lifecycle", "waiting")
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
        "promised_limit",
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
        "audience_note",
    ]
    modules = [
        "conditions",
        "path",
        "consultation",
        "handling_type",
        "promised_limit",
        "statutory_limit",
        "service_hours",
        "tips",
    ]
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
        RECORD_INFO_FIELDSET,
    ]
    search_columns = [
        "lifecycle",
        "code",
        "name",
        "post",
        "kind",
        "running_status",
        "status",
        "online_entry",
        "promised_limit",
    ]
    base_order = ("code", "asc")

    def _get_add_widget(self, form, exclude_cols=None, widgets=None):
        """A new item's form proposes its department's next free 事项编码."""
        department = db.session.get(Department, g.user.department_id or 0)
        if request.method == "GET" and department is not None and not form.code.data:
            form.code.data = next_item_code(db.session, department)
            if "department" in form and form.department.data is None:
                form.department.data = department
        return super()._get_add_widget(form, exclude_cols=exclude_cols, widgets=widgets)

    def post_add(self, item):
        super().post_add(item)
        g.added_item_id = item.id  # per request: the view instance serves every request

    def post_add_redirect(self):
        """After saving a new item, its own page (where materials and nodes are added)."""
        added = g.pop("added_item_id", None)
        if added is None:
            return super().post_add_redirect()
        return redirect(url_for("ServiceItemView.show", pk=added))
