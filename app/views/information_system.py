"""Information systems (管理信息系统, attachment 4)."""

from flask_babel import lazy_gettext as _l

from app.forms.validators import non_negative, percentage
from app.models import InformationSystem
from app.models.choices import (
    DEPLOYMENT_MODE,
    MOBILE_ADAPTATION,
    PORTAL_INTEGRATION,
    USER_GROUP,
    WORKFLOW_STATUS,
)
from app.security.filters import DEPARTMENT_CHOICES, SCOPED

from .base import ConsoleInterface, ConsoleModelView, multiline
from .workflow import ReviewableMixin


class InformationSystemView(ReviewableMixin, ConsoleModelView):
    datamodel = ConsoleInterface(InformationSystem)
    record_show_template = "ledger/record_show.html"  # adds the ledger panel
    base_filters = SCOPED
    add_form_query_rel_fields = edit_form_query_rel_fields = DEPARTMENT_CHOICES
    list_title = _l("管理信息系统列表")
    show_title = _l("管理信息系统详情")
    add_title = _l("新增管理信息系统")
    edit_title = _l("编辑管理信息系统")
    choice_columns = {
        "deployment": (DEPLOYMENT_MODE, False),
        "mobile_adaptation": (MOBILE_ADAPTATION, False),
        "portal_integration": (PORTAL_INTEGRATION, False),
        "status": WORKFLOW_STATUS,
    }
    code_set_columns = {"user_groups": USER_GROUP}
    label_columns = {
        "code": _l("系统编号"),
        "name": _l("系统名称"),
        "vendor": _l("开发承建厂商"),
        "go_live_date": _l("正式上线时间"),
        "build_cost": _l("项目建设总经费（万元）"),
        "annual_om_cost": _l("年度运维费用（万元）"),
        "url": _l("访问地址"),
        "user_groups": _l("覆盖办事人群"),
        "daily_active_operations": _l("日均操作活跃度（次）"),
        "core_usage_rate": _l("核心功能使用率（%）"),
        "deployment": _l("部署模式"),
        "mobile_adaptation": _l("移动端适配情况"),
        "portal_integration": _l("融合门户集成对接状态"),
        "data_silo": _l("跨系统数据孤岛"),
        "feature_gap": _l("功能缺失或重复"),
        "poor_extensibility": _l("拓展性不足"),
        "security_risk": _l("网络与数据安全隐患"),
        "problem_details": _l("问题详情"),
        "notes": _l("备注"),
    }
    description_columns = {
        "daily_active_operations": _l("近一个学期平均每天的业务操作次数。"),
        "core_usage_rate": _l("核心功能中实际在用的比例，0 到 100。"),
    }
    validators_columns = {
        "build_cost": [non_negative()],
        "annual_om_cost": [non_negative()],
        "daily_active_operations": [non_negative()],
        "core_usage_rate": [percentage()],
    }
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
        "build_cost",
        "annual_om_cost",
        "url",
    ]
    usage = ["user_groups", "daily_active_operations", "core_usage_rate"]
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
