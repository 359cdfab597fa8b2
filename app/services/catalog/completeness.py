"""What a record still lacks before it can be submitted (and what the campaign board counts)."""

from flask_babel import gettext as _

from app.models import Contact, InformationSystem, ServiceItem
from app.models.choices import RUNNING_STATUS
from app.models.labels import label


def _labelled(model, keys):
    """(key, label) pairs of `model`'s columns, in the words of the model."""
    return tuple((key, label(model, key)) for key in keys)


# The six modules (the flowchart and the materials are checked below), and attachment 4's fields.
ITEM_MODULES = _labelled(
    ServiceItem, ("conditions", "path", "consultation", "promised_limit", "service_hours", "tips")
)
SYSTEM_FIELDS = _labelled(
    InformationSystem,
    (
        "vendor",
        "go_live_date",
        "build_cost",
        "annual_om_cost",
        "user_groups",
        "daily_active_operations",
        "core_usage_rate",
        "deployment",
        "mobile_adaptation",
        "portal_integration",
    ),
)
CONTACT_FIELDS = _labelled(Contact, ("name", "phone", "post"))


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def _missing_fields(record, fields):
    return [str(text) for key, text in fields if _blank(getattr(record, key))]


def missing_for_item(item: ServiceItem) -> list[str]:
    missing = _missing_fields(item, ITEM_MODULES)
    if not item.nodes:
        missing.append(_("流程图（至少一个流转环节）"))
    if not item.materials:
        missing.append(_("申报材料（至少一项）"))
    elif any(_blank(m.name) or _blank(m.form) for m in item.materials):
        missing.append(_("申报材料的名称与形式"))
    if item.running_status == RUNNING_STATUS.IMPROVE and _blank(item.disposition):
        missing.append(_("待改进事项的处置意见（计划启用或拟下线）"))
    if item.running_status == RUNNING_STATUS.DEPLOY and _blank(item.transformation_needs):
        missing.append(_("待部署事项的线上改造需求"))
    return missing


def missing_for_system(system: InformationSystem) -> list[str]:
    missing = _missing_fields(system, SYSTEM_FIELDS)
    if system.problem_codes() and _blank(system.problem_details):
        missing.append(str(label(InformationSystem, "problem_details")))
    return missing


def missing_for_contact(contact: Contact) -> list[str]:
    missing = _missing_fields(contact, CONTACT_FIELDS)
    if not (contact.knows_processes or contact.administers_systems):
        missing.append(_("至少承担一项职责（熟悉业务流程或担任系统管理员）"))
    return missing


CHECKS = {
    ServiceItem: missing_for_item,
    InformationSystem: missing_for_system,
    Contact: missing_for_contact,
}


def missing(record: object) -> list[str]:
    """Translated names of what `record` lacks for a submission; empty when complete."""
    check = CHECKS.get(type(record))
    return check(record) if check else []
