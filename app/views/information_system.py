"""Information systems (管理信息系统, attachment 4)."""

from flask_babel import lazy_gettext as _l

from app.models import InformationSystem
from app.security.filters import DEPARTMENT_CHOICES, SCOPED

from .base import RECORD_INFO_FIELDSET, ConsoleInterface, ConsoleModelView, multiline
from .list_filters import QuickFilterMixin
from .record_panel import ReviewableMixin


class InformationSystemView(QuickFilterMixin, ReviewableMixin, ConsoleModelView):
    quick_filters = ("department", "waiting")
    datamodel = ConsoleInterface(InformationSystem)
    record_show_template = "ledger/record_show.html"  # adds the ledger panel
    base_filters = SCOPED
    add_form_query_rel_fields = edit_form_query_rel_fields = DEPARTMENT_CHOICES
    list_title = _l("管理信息系统列表")
    show_title = _l("管理信息系统详情")
    add_title = _l("新增管理信息系统")
    edit_title = _l("编辑管理信息系统")
    formatters_columns = {"problem_details": multiline, "notes": multiline}
    list_columns = [
        "code",
        "name",
        "department",
        "vendor",
        "build_cost",
        "annual_om_cost",
        "daily_active_operations",
        "portal_integration",
        "status",
    ]
    basic = [
        "code",
        "name",
        "department",
        "vendor",
        "go_live_date",
        "go_live_precision",
        "build_cost",
        "annual_om_cost",
        "url",
    ]
    usage = ["capabilities", "user_groups", "daily_active_operations", "core_usage_rate"]
    integration = ["deployment", "mobile_adaptation", "portal_integration"]
    problems = [
        "data_silo",
        "feature_gap",
        "poor_extensibility",
        "security_risk",
        "problem_details",
        "notes",
    ]
    add_fieldsets = edit_fieldsets = [
        (_l("基础信息"), {"fields": basic}),
        (_l("运行使用情况"), {"fields": usage}),
        (_l("技术集成情况"), {"fields": integration}),
        (_l("现存突出问题"), {"fields": problems}),
    ]
    show_fieldsets = [
        (_l("基础信息"), {"fields": basic + ["status"]}),
        (_l("运行使用情况"), {"fields": usage}),
        (_l("技术集成情况"), {"fields": integration}),
        (_l("现存突出问题"), {"fields": problems}),
        RECORD_INFO_FIELDSET,
    ]
    search_columns = [
        "code",
        "name",
        "vendor",
        "deployment",
        "mobile_adaptation",
        "portal_integration",
        "data_silo",
        "feature_gap",
        "poor_extensibility",
        "security_risk",
        "status",
        "build_cost",
        "annual_om_cost",
    ]
    base_order = ("code", "asc")
