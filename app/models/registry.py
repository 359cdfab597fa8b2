"""The record types of the console: one row per kind of record, and what each one has.

`key` is the name audit entries, versions, decisions and workflow URLs store ("service_item",
the table's name); `view` is the FAB view class whose `show` endpoint displays a record;
`reviewable` records go through the review workflow (draft, submitted, approved, returned);
`audited` records have every change written to the audit trail; `children` are the
relationships frozen with the record in its approved versions (materials and nodes of an item).
Services, views and templates ask here instead of keeping their own maps.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from . import labels
from .audience_group import AudienceGroup
from .calendar_day import CalendarDay
from .campaign import Campaign, CampaignPhase
from .case import Case, CaseFile, CaseRating, CaseTask
from .completeness_rule import CompletenessRule
from .contact import Contact
from .department import Department
from .finding import Capability, FindingSetting
from .hall import HallDrill, HallRequest, HandlerAssignment, TrainingRecord
from .information_system import InformationSystem
from .rectification_task import RectificationTask
from .service_item import Material, ProcessNode, ServiceItem


@dataclass(frozen=True)
class RecordType:
    """One kind of record."""

    key: str
    model: type
    view: str
    label: object
    reviewable: bool = False
    audited: bool = True
    children: tuple = ()


RECORD_TYPES = (
    RecordType(
        "service_item",
        ServiceItem,
        "ServiceItemView",
        _l("服务事项"),
        reviewable=True,
        children=("materials", "nodes"),
    ),
    RecordType("contact", Contact, "ContactView", _l("联系人"), reviewable=True),
    RecordType(
        "information_system",
        InformationSystem,
        "InformationSystemView",
        _l("管理信息系统"),
        reviewable=True,
    ),
    RecordType("material", Material, "MaterialView", _l("申报材料")),
    RecordType("process_node", ProcessNode, "ProcessNodeView", _l("流转环节")),
    RecordType("department", Department, "DepartmentView", _l("部门")),
    RecordType("rectification_task", RectificationTask, "RectificationTaskView", _l("整改任务")),
    RecordType("campaign", Campaign, "CampaignView", _l("工作安排")),
    RecordType("campaign_phase", CampaignPhase, "CampaignPhaseView", _l("工作阶段")),
    RecordType("capability", Capability, "CapabilityView", _l("业务能力")),
    RecordType("finding_setting", FindingSetting, "FindingSettingView", _l("发现规则设置")),
    RecordType("audience_group", AudienceGroup, "AudienceGroupView", _l("服务对象")),
    RecordType("calendar_day", CalendarDay, "CalendarDayView", _l("法定节假日与调休")),
    RecordType("completeness_rule", CompletenessRule, "CompletenessRuleView", _l("完整性规则")),
    RecordType("hall_request", HallRequest, "HallRequestView", _l("上线流程申请")),
    RecordType("handler_assignment", HandlerAssignment, "HandlerAssignmentView", _l("办理人备案")),
    RecordType("training_record", TrainingRecord, "TrainingRecordView", _l("培训考核")),
    RecordType("hall_drill", HallDrill, "HallDrillView", _l("应急预案与演练")),
    RecordType("service_case", Case, "CaseView", _l("办件")),
    RecordType("case_task", CaseTask, "CaseTaskView", _l("办件环节")),
    RecordType("case_file", CaseFile, "CaseFileView", _l("办件材料")),
    RecordType("case_rating", CaseRating, "CaseRatingView", _l("办件评价")),
)
BY_KEY = {t.key: t for t in RECORD_TYPES}
BY_MODEL = {t.model: t for t in RECORD_TYPES}

# {key: model} of the records the review workflow moves.
REVIEWABLE = {t.key: t.model for t in RECORD_TYPES if t.reviewable}
# The models whose every create, update and delete the audit trail records.
AUDITED_MODELS = tuple(t.model for t in RECORD_TYPES if t.audited)


def get(record_or_type) -> RecordType | None:
    """The record type of a key ("service_item"), a model class or a record; None if unknown."""
    if isinstance(record_or_type, str):
        return BY_KEY.get(record_or_type)
    model = record_or_type if isinstance(record_or_type, type) else type(record_or_type)
    return BY_MODEL.get(model)


def record_url(record_or_type, record_id=None) -> str:
    """The address of a record's page: `record_url(item)` or `record_url("service_item", 12)`."""
    from flask import url_for

    kind = get(record_or_type)
    if kind is None:
        raise KeyError(record_or_type)
    if record_id is None:
        record_id = record_or_type.id
    return url_for(f"{kind.view}.show", pk=record_id)


def field_label(record_or_type, name) -> str:
    """The label of a field of a record type (templates: `field_label("service_item", "path")`)."""
    return str(labels.label(get(record_or_type).model, name))
