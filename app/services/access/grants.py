"""The words `permissions.ACTIONS` is written in: the role sets that hold actions together, the
FAB view and menu names whose permissions an action grants, and the helpers that pair them."""

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l

from app.security.roles import (
    APPLICANT,
    AUDIT_ADMIN,
    CONTACT,
    HANDLER,
    IT_ADMIN,
    LEADER,
    PROCESS_ADMIN,
    REVIEWER,
    SECURITY_ADMIN,
)

from .actions import Pair

READ = ("can_list", "can_show")
WRITE = ("can_add", "can_edit", "can_delete")
# Records a department writes itself, and records the IT office keeps.
DEPARTMENT_VIEWS = (
    "ContactView",
    "ServiceItemView",
    "MaterialView",
    "ProcessNodeView",
    "InformationSystemView",
)
OFFICE_VIEWS = (
    "DepartmentView",
    "CampaignView",
    "CampaignPhaseView",
    "RectificationTaskView",
    "CapabilityView",
    "FindingSettingView",
    "AudienceGroupView",
)
WORKFLOW = "WorkflowView"
SHEETS = "SheetView"
PUBLICATION = "PublicationView"
BOARD = "BoardView"
FINDINGS = "FindingsView"
FINAL_REVIEW = "FinalReviewView"

HALL = "HallView"
CASES = "CasePortalView"
CASE_RECORDS = ("CaseView", "CaseTaskView", "CaseFileView", "CaseRatingView")
HALL_RECORDS = ("HallRequestView", "HandlerAssignmentView")

EVERYONE = frozenset({CONTACT, REVIEWER, LEADER, IT_ADMIN, PROCESS_ADMIN, HANDLER})
ACCOUNT_HOLDERS = EVERYONE | {SECURITY_ADMIN, AUDIT_ADMIN, APPLICANT}
# Who applies for live items and follows their cases: every console role that reads, and the
# applicant role of the directory's people without one.
APPLICANTS = EVERYONE | {APPLICANT}
RECORD_VIEWS = DEPARTMENT_VIEWS + OFFICE_VIEWS
SECURITY_VIEWS = (
    "ConsoleUserDBModelView",
    "RoleModelView",
    "UserGroupModelView",
    "PermissionModelView",
    "ViewMenuModelView",
    "PermissionViewModelView",
)
DEPARTMENT = frozenset({CONTACT, IT_ADMIN})
OFFICE = frozenset({REVIEWER, IT_ADMIN})
DEVELOPER = frozenset({IT_ADMIN})
# The unit that owns a process (measures art. 8-12): its contacts and process administrators.
OWNER = frozenset({CONTACT, PROCESS_ADMIN})
# Department-bound roles: they see their own department only.
DEPARTMENT_BOUND = frozenset({CONTACT, PROCESS_ADMIN, HANDLER})


def grant(perms: Iterable[str], views: Iterable[str]) -> tuple[Pair, ...]:
    return tuple((perm, view) for view in views for perm in perms)


def menus(*names: str) -> tuple[Pair, ...]:
    return tuple(("menu_access", name) for name in names)


READ_ONLY = _l("您的角色只能查看，不能修改。")
LIFECYCLE = (("can_lifecycle", WORKFLOW),)
LEDGER_KEEPERS = frozenset({CONTACT, REVIEWER, IT_ADMIN})
REVIEWER_ONLY = frozenset({REVIEWER})
# The office's decisions, signed; the IT office may stand in while ALLOW_ADMIN_APPROVAL is on.
SIGNED = {"stand_in": DEVELOPER, "stand_in_setting": "ALLOW_ADMIN_APPROVAL"}
HALL_MENUS = ("HallTasks", "HallRequests", "HandlerAssignments")
