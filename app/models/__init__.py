"""The console's records. Importing this package registers every table on FAB's metadata."""

from flask_appbuilder import Model

from .audit import AuditCut, AuditEntry, AuditHead
from .campaign import Campaign, CampaignPhase
from .contact import Contact
from .data_stamp import DataStamp
from .department import Department
from .hall import HallDrill, HallRequest, HallStep, HandlerAssignment, TrainingRecord
from .information_system import InformationSystem
from .login_throttle import LoginThrottle
from .password_history import PasswordHistory
from .publication import PrintCode, Publication, PublicationItem, PublicComment
from .rectification_task import RectificationTask
from .reminder import Reminder
from .review import RecordVersion, ReviewDecision
from .service_item import Material, ProcessNode, ServiceItem
from .user import ConsoleUser

metadata = Model.metadata

__all__ = [
    "AuditCut",
    "AuditEntry",
    "AuditHead",
    "Campaign",
    "CampaignPhase",
    "ConsoleUser",
    "Contact",
    "DataStamp",
    "Department",
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
    "RecordVersion",
    "RectificationTask",
    "Reminder",
    "ReviewDecision",
    "ServiceItem",
    "TrainingRecord",
    "metadata",
]
