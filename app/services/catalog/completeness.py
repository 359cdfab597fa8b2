"""What a record still lacks before it can be submitted (and what the campaign board counts)."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.models import Contact, InformationSystem, ServiceItem

ITEM_MODULES = (
    ("conditions", _l("办理要件（办理条件）")),
    ("path", _l("办理路径")),
    ("consultation", _l("咨询渠道")),
    ("time_limit_days", _l("办理时限")),
    ("service_hours", _l("办理时段")),
    ("tips", _l("办理提示")),
)
SYSTEM_FIELDS = (
    ("vendor", _l("开发承建厂商")),
    ("go_live_date", _l("正式上线时间")),
    ("build_cost", _l("项目建设总经费")),
    ("annual_om_cost", _l("年度运维费用")),
    ("user_groups", _l("覆盖办事人群")),
    ("daily_active_operations", _l("日均操作活跃度")),
    ("core_usage_rate", _l("核心功能使用率")),
    ("deployment", _l("部署模式")),
    ("mobile_adaptation", _l("移动端适配情况")),
    ("portal_integration", _l("融合门户集成对接状态")),
)


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def _missing_fields(record, fields):
    return [str(label) for key, label in fields if _blank(getattr(record, key))]


def missing_for_item(item):
    missing = _missing_fields(item, ITEM_MODULES)
    if not item.nodes:
        missing.append(_("流程图（至少一个流转环节）"))
    if not item.materials:
        missing.append(_("申报材料（至少一项）"))
    elif any(_blank(m.name) or _blank(m.form) for m in item.materials):
        missing.append(_("申报材料的名称与形式"))
    if item.running_status == "improve" and _blank(item.disposition):
        missing.append(_("待改进事项的处置意见（计划启用或拟下线）"))
    if item.running_status == "deploy" and _blank(item.transformation_needs):
        missing.append(_("待部署事项的线上改造需求"))
    return missing


def missing_for_system(system):
    missing = _missing_fields(system, SYSTEM_FIELDS)
    if system.problem_codes() and _blank(system.problem_details):
        missing.append(_("问题详情"))
    return missing


def missing_for_contact(contact):
    missing = _missing_fields(
        contact, (("name", _l("姓名")), ("phone", _l("联系电话")), ("post", _l("职务/岗位")))
    )
    if not (contact.knows_processes or contact.administers_systems):
        missing.append(_("至少承担一项职责（熟悉业务流程或担任系统管理员）"))
    return missing


CHECKS = {
    ServiceItem: missing_for_item,
    InformationSystem: missing_for_system,
    Contact: missing_for_contact,
}


def missing(record):
    """Translated names of what `record` lacks for a submission; empty when complete."""
    check = CHECKS.get(type(record))
    return check(record) if check else []
