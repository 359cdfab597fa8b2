"""The console's records. Importing this package registers every table on FAB's metadata."""

from flask_appbuilder import Model

from .api_token import ApiIdempotency, ApiToken
from .audience_group import AudienceGroup
from .audit import AuditCut, AuditEntry, AuditHead
from .calendar_day import CalendarDay
from .campaign import Campaign, CampaignPhase
from .cas_login import CasLogin
from .case import Case, CaseFile, CaseRating, CaseTask
from .completeness_rule import CompletenessRule
from .contact import Contact
from .data_stamp import DataStamp
from .department import Department
from .entry_check import EntryCheck
from .finding import Capability, FindingDismissal, FindingSetting, system_capability
from .hall import HallDrill, HallRequest, HallStep, HandlerAssignment, TrainingRecord
from .information_system import InformationSystem
from .login_throttle import LoginThrottle
from .password_history import PasswordHistory
from .publication import (
    FinalReview,
    PrintCode,
    Publication,
    PublicationItem,
    PublicationSearch,
    PublicComment,
)
from .recovery_code import RecoveryCode
from .rectification_task import RectificationTask
from .reminder import Reminder
from .review import RecordVersion, ReviewDecision
from .service_item import Material, ProcessNode, ServiceItem
from .user import ConsoleUser

metadata = Model.metadata

__all__ = [
    "ApiIdempotency",
    "ApiToken",
    "AudienceGroup",
    "AuditCut",
    "AuditEntry",
    "AuditHead",
    "CalendarDay",
    "Campaign",
    "CampaignPhase",
    "Capability",
    "CasLogin",
    "Case",
    "CaseFile",
    "CaseRating",
    "CaseTask",
    "CompletenessRule",
    "ConsoleUser",
    "Contact",
    "DataStamp",
    "Department",
    "EntryCheck",
    "FinalReview",
    "FindingDismissal",
    "FindingSetting",
    "HallDrill",
    "HallRequest",
    "HallStep",
    "HandlerAssignment",
    "InformationSystem",
    "LoginThrottle",
    "Material",
    "PasswordHistory",
    "PrintCode",
    "ProcessNode",
    "PublicComment",
    "Publication",
    "PublicationItem",
    "PublicationSearch",
    "RecordVersion",
    "RecoveryCode",
    "RectificationTask",
    "Reminder",
    "ReviewDecision",
    "ServiceItem",
    "TrainingRecord",
    "metadata",
    "system_capability",
]
