"""What "complete" means (完整性规则): for each field a submission checks, whether it is required
to submit, recommended (a warning) or optional. The campaign's rule set is data the IT office
keeps under 基础设置; `RULES` is the catalogue of what can be checked and each rule's default,
which also applies to a field that has no row (`app.services.catalog.completeness` reads both).

The defaults follow what published service guides hold: many real 办事指南 give no opening hours
(办理时间) and some no material list (申报材料), so those are recommended, not required: such a
guide goes in as written, with a warning, instead of being blocked into invented values.
"""

from dataclasses import dataclass

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import VersionedMixin
from .choices import Choices
from .contact import Contact
from .information_system import InformationSystem
from .labels import label
from .service_item import ServiceItem

RULE_LEVEL = Choices(
    ("required", _l("必填（缺少不能提交）"), "danger"),
    ("recommended", _l("建议填写（缺少时提醒）"), "warning"),
    ("optional", _l("可不填"), "default"),
)
RULE_SUBJECT = Choices(
    ("service_item", _l("服务事项")),
    ("information_system", _l("管理信息系统")),
    ("contact", _l("联系人")),
)


@dataclass(frozen=True)
class RuleField:
    """One thing a submission can check: the record type, the key, what it is called when it
    is lacking, and its default level."""

    subject: str
    key: str
    words: object  # the field's own words, or the model whose column label names it
    default: str = RULE_LEVEL.REQUIRED

    @property
    def label(self) -> object:
        """The words (read from the model's column when asked: mappers configure late)."""
        return label(self.words, self.key) if isinstance(self.words, type) else self.words


def _fields(subject, model, keys, default=RULE_LEVEL.REQUIRED):
    return tuple(RuleField(subject, key, model, default) for key in keys)


ITEM, SYSTEM, CONTACT = RULE_SUBJECT.codes
RECOMMENDED = RULE_LEVEL.RECOMMENDED
RULES: tuple[RuleField, ...] = (
    *_fields(ITEM, ServiceItem, ("conditions", "path", "consultation", "promised_limit")),
    *_fields(ITEM, ServiceItem, ("service_hours",), RECOMMENDED),
    *_fields(ITEM, ServiceItem, ("tips",)),
    RuleField(ITEM, "nodes", _l("流程图（至少一个流转环节）")),
    RuleField(ITEM, "materials", _l("申报材料（至少一项）"), RECOMMENDED),
    RuleField(ITEM, "material_details", _l("申报材料的名称与形式")),
    RuleField(ITEM, "disposition", _l("待改进事项的处置意见（计划启用或拟下线）")),
    RuleField(ITEM, "transformation_needs", _l("待部署事项的线上改造需求")),
    *_fields(
        SYSTEM,
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
            "problem_details",
        ),
    ),
    *_fields(CONTACT, Contact, ("name", "phone", "post")),
    RuleField(CONTACT, "duty", _l("至少承担一项职责（熟悉业务流程或担任系统管理员）")),
)
BY_KEY = {(rule.subject, rule.key): rule for rule in RULES}


class CompletenessRule(VersionedMixin, Model):
    """One field's level in the campaign's rule set (a field without a row has its default)."""

    __tablename__ = "completeness_rule"
    __labels__ = {"field_label": _l("检查项"), "default_label": _l("默认要求")}
    __table_args__ = (
        UniqueConstraint("subject", "field", name="uq_completeness_rule_field"),
        CheckConstraint(
            "level IN ('required', 'recommended', 'optional')", name="ck_completeness_rule_level"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject: Mapped[str] = mapped_column(
        String(32), nullable=False, info={"label": _l("记录类型"), "choices": RULE_SUBJECT}
    )
    field: Mapped[str] = mapped_column(String(40), nullable=False, info={"label": _l("检查项")})
    level: Mapped[str] = mapped_column(
        String(16),
        nullable=False,
        default=RULE_LEVEL.REQUIRED,
        info={
            "label": _l("要求"),
            "choices": RULE_LEVEL,
            "description": _l(
                "必填：缺少时不能提交审核；建议填写：可以提交，但提交时和记录页上会提醒；"
                "可不填：不检查。修改后立即用于所有记录的提交检查和工作看板。"
            ),
        },
    )

    def field_label(self) -> str:
        """What the field is called when a record lacks it."""
        rule = BY_KEY.get((self.subject, self.field))
        return str(rule.label) if rule is not None else self.field

    def default_label(self) -> str:
        rule = BY_KEY.get((self.subject, self.field))
        return RULE_LEVEL.label(rule.default) if rule is not None else ""

    def __str__(self):
        return f"{RULE_SUBJECT.label(self.subject)}：{self.field_label()}"
