"""Who may do what: one table of actions, and `can` / `ensure` that answer for a user and a record.

Every rule of the form "this role may do that" lives in `ACTIONS`. An action names the roles that
hold it, the FAB permissions its pages need (`flask init-roles` grants them, so menus and routes
follow the same table), the message a refusal shows, and the checks the record must pass. `can`
and `ensure` apply, in this order:

1. the department scope: a record outside the user's departments is reported as missing;
2. the roles: a user holding none of the action's roles is refused with the action's message;
3. the record's state: an offline item is read-only, a submitted record waits for its review,
   and nobody reviews their own submission.

Views and templates ask `can(user, action, record)` and receive a yes or no; services call
`ensure(...)`, which raises `NotFoundError` or `PermissionDeniedError`. Queries are restricted by
`scope.apply_scope`, which reads the same department reach (`department_reach`).
"""

from typing import TypeVar

from flask import current_app, has_app_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.models import RectificationTask
from app.models.ownership import belongs_to_department, department_id_of
from app.models.user import Actor
from app.security.roles import (
    APPLICANT,
    AUDIT_ADMIN,
    CONTACT,
    HANDLER,
    IT_ADMIN,
    LEADER,
    PROCESS_ADMIN,
    PUBLIC,
    REVIEWER,
    SECURITY_ADMIN,
    SEPARATED_ROLES,
)
from app.services.errors import DomainError, NotFoundError, PermissionDeniedError

from .actions import Action, Pair, not_offline, not_own_submission, not_submitted
from .grants import (
    ACCOUNT_HOLDERS,
    APPLICANTS,
    BOARD,
    CASE_RECORDS,
    CASES,
    DEPARTMENT,
    DEPARTMENT_BOUND,
    DEPARTMENT_VIEWS,
    DEVELOPER,
    EVERYONE,
    FINAL_REVIEW,
    FINDINGS,
    HALL,
    HALL_MENUS,
    HALL_RECORDS,
    LEDGER_KEEPERS,
    LIFECYCLE,
    OFFICE,
    OFFICE_VIEWS,
    OWNER,
    PUBLICATION,
    READ,
    READ_ONLY,
    RECORD_VIEWS,
    REVIEWER_ONLY,
    SECURITY_VIEWS,
    SHEETS,
    SIGNED,
    WORKFLOW,
    WRITE,
    grant,
    menus,
)

R = TypeVar("R")  # ensure returns the record it was given

# The role that filing a handler grants (handlers.file; directory users receive it at login).
FILED_ROLE = HANDLER
# The roles held only with a passed, unexpired training assessment (art. 18; access/training.py).
TRAINED_ROLES = (PROCESS_ADMIN, HANDLER, REVIEWER)

ACTIONS: dict[str, Action] = {
    # Seeing records (within the department scope), the pages that list them, and the account.
    "view": Action(
        EVERYONE,
        grant(READ, DEPARTMENT_VIEWS + OFFICE_VIEWS + ("OverdueTaskView",))
        + grant(
            ("can_read",), ("LedgerView", "PortfolioView", WORKFLOW, PUBLICATION, BOARD, FINDINGS)
        )
        + grant(READ, ("EntryCheckView",))
        + grant(("can_read", "can_export"), (SHEETS,))
        + (("can_read", "StatisticsView"),)
        + menus("Survey", "Contacts", "ServiceItems", "InformationSystems", "SheetsImportExport")
        + menus("Ledger", "RectificationTasks", "OverdueTasks", "Portfolio", "EntryChecks")
        + menus("Findings", "CapabilityMap")
        + menus("Review", "Publications", "Progress", "CampaignBoard", "Statistics"),
    ),
    "account": Action(
        ACCOUNT_HOLDERS,
        (
            ("can_userinfo", "ConsoleUserDBModelView"),
            ("can_this_form_get", "ResetMyPasswordView"),
            ("can_this_form_post", "ResetMyPasswordView"),
            ("resetmypassword", "ConsoleUserDBModelView"),
        ),
    ),
    # The department scope: who sees every department, who sees their own.
    "see_all_departments": Action(
        frozenset({REVIEWER, LEADER, IT_ADMIN}), menus("Settings", "Departments", "Campaigns")
    ),
    "own_department": Action(DEPARTMENT_BOUND),
    "view_assessment": Action(
        frozenset({REVIEWER, LEADER, IT_ADMIN}),
        (("can_read", "AssessmentView"),) + menus("Assessment"),
    ),
    # Writing a department's records: add, change, delete (the ledger has its own keepers).
    "edit": Action(
        DEPARTMENT,
        grant(WRITE, DEPARTMENT_VIEWS),
        denied=READ_ONLY,
        checks=(not_offline, not_submitted),
        roles_by_model={RectificationTask: LEDGER_KEEPERS},
    ),
    "import": Action(
        DEPARTMENT, (("can_import", SHEETS),), denied=_l("您的角色只能查看，不能导入。")
    ),
    # 附件1's 部门 sheet: adding or changing departments by import (sheets/departments.py).
    "import_departments": Action(
        DEVELOPER, denied=_l("只有信息中心管理员可以通过导入新增或修改部门。")
    ),
    "download_template": Action(
        frozenset({CONTACT, REVIEWER, IT_ADMIN}), (("can_template", SHEETS),)
    ),
    "export": Action(EVERYONE, (("can_export", SHEETS),)),
    # The review workflow (workflow.TRANSITIONS says from which status).
    "submit": Action(DEPARTMENT, (("can_submit", WORKFLOW),), checks=(not_offline,)),
    "withdraw": Action(DEPARTMENT, (("can_submit", WORKFLOW),)),
    "revise": Action(DEPARTMENT),
    "approve": Action(
        frozenset({REVIEWER}),
        (("can_review", WORKFLOW),) + menus("Inbox"),
        checks=(not_own_submission,),
        stand_in=DEVELOPER,
        stand_in_setting="ALLOW_ADMIN_APPROVAL",
    ),
    "return": Action(
        frozenset({REVIEWER}),
        (("can_review", WORKFLOW),),
        checks=(not_own_submission,),
        stand_in=DEVELOPER,
        stand_in_setting="ALLOW_ADMIN_APPROVAL",
    ),
    # The online service hall lifecycle (lifecycle.MOVES says from which state to which): the
    # owning unit asks, the office decides and signs, the IT office develops and takes online.
    "request_onboarding": Action(OWNER, LIFECYCLE),
    "approve_onboarding": Action(REVIEWER_ONLY, LIFECYCLE, **SIGNED),
    "reject_onboarding": Action(REVIEWER_ONLY, LIFECYCLE, **SIGNED),
    "start_development": Action(DEVELOPER, LIFECYCLE),
    "deliver": Action(DEVELOPER, LIFECYCLE),
    "accept": Action(OWNER, LIFECYCLE),
    "reject_acceptance": Action(OWNER, LIFECYCLE),
    "record_training": Action(OWNER, LIFECYCLE),
    "go_live": Action(DEVELOPER, LIFECYCLE),
    "request_change": Action(OWNER, LIFECYCLE),
    "approve_change": Action(REVIEWER_ONLY, LIFECYCLE, **SIGNED),
    "reject_change": Action(REVIEWER_ONLY, LIFECYCLE, **SIGNED),
    "request_offline": Action(OWNER, LIFECYCLE),
    "approve_offline": Action(REVIEWER_ONLY, LIFECYCLE, **SIGNED),
    "reject_offline": Action(REVIEWER_ONLY, LIFECYCLE, **SIGNED),
    "take_offline": Action(DEVELOPER, LIFECYCLE),
    # Every unit in an item's nodes confirms go-live through its own process administrator, who
    # also names the handlers of the nodes it handles; the office approves them and the
    # security administrator files them, which grants the handler role (art. 4(3)②, 6, 10).
    "view_hall": Action(
        EVERYONE,
        (("can_read", HALL),) + grant(READ, HALL_RECORDS) + menus("Hall", *HALL_MENUS),
    ),
    "confirm_unit": Action(frozenset({PROCESS_ADMIN}), (("can_confirm", HALL),)),
    "propose_handler": Action(frozenset({PROCESS_ADMIN}), (("can_propose", HALL),)),
    "approve_handler": Action(
        REVIEWER_ONLY, (("can_decide", HALL),), checks=(not_own_submission,), **SIGNED
    ),
    "return_handler": Action(
        REVIEWER_ONLY, (("can_decide", HALL),), checks=(not_own_submission,), **SIGNED
    ),
    "file_handler": Action(
        frozenset({SECURITY_ADMIN}), (("can_file", HALL),) + menus("HandlerFiling")
    ),
    # Training and assessment of administrators and handlers (art. 18), kept by the IT office.
    "keep_training": Action(
        DEVELOPER,
        grant(READ + WRITE + ("can_download",), ("TrainingRecordView",))
        + menus("Hall", "TrainingRecords"),
    ),
    # The hall's technical emergency plan and its drills (art. 4(2)⑤), kept by the IT office.
    "keep_drills": Action(
        DEVELOPER,
        grant(READ + WRITE + ("can_download", "can_tasks"), ("HallDrillView",))
        + menus("Hall", "HallDrills"),
    ),
    # Cases (办件): everyone who logs in (the applicant role too) applies for a live item and
    # follows their cases; a filed handler acts on the steps of their nodes (cases.handling
    # checks the filing); the office reads every case.
    "apply_case": Action(
        APPLICANTS,
        (("can_apply", CASES),) + menus("Cases", "CaseService", "MyCases"),
    ),
    "handle_case": Action(frozenset({HANDLER}), (("can_handle", CASES),) + menus("CaseInbox")),
    "view_cases": Action(
        frozenset({REVIEWER, LEADER, IT_ADMIN}),
        grant(READ, CASE_RECORDS) + menus("CaseRecords", "CaseRatings"),
    ),
    # The rectification ledger: contacts (own department) and the office keep it.
    "keep_ledger": Action(
        LEDGER_KEEPERS,
        grant(("can_add", "can_edit"), ("RectificationTaskView",))
        + (("can_update", "LedgerView"), ("can_update", FINDINGS)),
        denied=_l("您的角色只能查看整改台账，不能修改。"),
    ),
    # Publishing the three lists and answering public comments.
    "publish": Action(OFFICE, (("can_publish", PUBLICATION),), denied=_l("您的角色不能发布清单。")),
    "answer_comments": Action(OFFICE, (("can_comments", PUBLICATION),) + menus("PublicComments")),
    # The final review (notice, phase 4): the IT office submits the finished lists with the
    # rectification ledger for the 校长办公会; the office records its decision (定稿).
    "view_final_review": Action(
        frozenset({REVIEWER, LEADER, IT_ADMIN}),
        (("can_read", FINAL_REVIEW),) + menus("FinalReviews"),
    ),
    "submit_final_review": Action(DEVELOPER, (("can_submit", FINAL_REVIEW),)),
    "record_final_decision": Action(REVIEWER_ONLY, (("can_decide", FINAL_REVIEW),), **SIGNED),
    # 三权分立: the system administrator keeps the settings, the security administrator the
    # accounts and permissions, the audit administrator reads the audit log.
    "manage_settings": Action(
        DEVELOPER,
        grant(WRITE, ("DepartmentView", "CampaignView", "CampaignPhaseView"))
        + grant(WRITE, ("CapabilityView", "FindingSettingView", "AudienceGroupView"))
        + menus("Capabilities", "FindingSettings", "AudienceGroups")
        + (("can_delete", "RectificationTaskView"), ("can_get", "MenuApi"))
        + grant(("can_download",), RECORD_VIEWS),
    ),
    # The official calendar's holidays and 调休 working days, entered when the library lags.
    "manage_calendar": Action(
        DEVELOPER,
        grant(READ + WRITE + ("can_enter",), ("CalendarDayView",)) + menus("CalendarDays"),
    ),
    # What complete means (completeness_rule.py): the campaign's rule set, one level per field.
    "manage_completeness": Action(
        DEVELOPER,
        grant(READ + ("can_edit",), ("CompletenessRuleView",)) + menus("CompletenessRules"),
    ),
    "manage_security": Action(
        frozenset({SECURITY_ADMIN}),
        grant(("can_list",), SECURITY_VIEWS)
        + grant(("can_show", "can_add", "can_edit", "can_delete"), SECURITY_VIEWS[:3])
        + grant(("can_download",), ("ConsoleUserDBModelView", "RoleModelView"))
        + (("can_download", "UserGroupModelView"), ("copyrole", "RoleModelView"))
        + grant(("resetpasswords", "unlock", "userinfoedit"), ("ConsoleUserDBModelView",))
        + grant(("can_this_form_get", "can_this_form_post"), ("ResetPasswordView",))
        + grant(("can_this_form_get", "can_this_form_post"), ("UserInfoEditView",))
        + (("can_index", "DirectoryView"),)
        + menus("Security", "List Users", "List Roles", "List Groups", "Base Permissions")
        + menus("Views/Menus", "Permission on Views/Menus", "Settings", "Directory"),
    ),
    # Who must pass a second factor (TOTP) after the password; LOCAL_ADMIN_USERS as well
    # (second_factor.required), and who may reset someone's second factor.
    "second_factor": Action(frozenset(SEPARATED_ROLES)),
    # API tokens (personal and service accounts) are the security administrator's to give.
    "manage_api_tokens": Action(
        frozenset({SECURITY_ADMIN}),
        grant(("can_index", "can_create", "can_revoke"), ("ApiTokenView",))
        + menus("ApiTokens", "ApiDocs"),
    ),
    "reset_second_factor": Action(
        frozenset({SECURITY_ADMIN}), (("reset_second_factor", "ConsoleUserDBModelView"),)
    ),
    # Who is told (mail, home page) each time the local emergency administrator logs in.
    "receive_security_alerts": Action(frozenset({SECURITY_ADMIN})),
    "read_audit": Action(
        frozenset({AUDIT_ADMIN}),
        grant(READ, ("AuditEntryView",)) + menus("Settings", "AuditLog"),
    ),
    # The campaign board: reminding lagging departments, and who receives the reminders.
    "remind": Action(DEVELOPER, (("can_remind", BOARD),)),
    # Checking that live items' online entries answer (ledger/entries.py).
    "check_entries": Action(
        DEVELOPER, (("can_run", "EntryCheckView"), ("can_job", "EntryCheckView"))
    ),
    "receive_reminders": Action(frozenset({CONTACT})),
    # The sections of the home page.
    "home_department": Action(frozenset({CONTACT})),
    "home_inbox": Action(frozenset({REVIEWER})),
    "home_overview": Action(frozenset({LEADER})),
    "home_office": Action(DEVELOPER),
    "home_applicant": Action(frozenset({APPLICANT})),
}


def roles_of(user: Actor | None) -> frozenset[str]:
    """The names of `user`'s roles; none for an anonymous visitor."""
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    return frozenset(role.name for role in user.roles)


def holders(action: str) -> frozenset[str]:
    """The role names that hold `action` (stand-ins aside)."""
    return ACTIONS[action].roles


def holds(user: Actor | None, action: str, record: object | None = None) -> bool:
    """Whether one of `user`'s roles holds `action` (for `record`'s type), stand-ins included."""
    return _role_refusal(user, ACTIONS[action], record) is None


def is_stand_in(user: Actor | None, action: str) -> bool:
    """True when `user` may take `action` only as a stand-in (an IT officer reviewing)."""
    rule = ACTIONS[action]
    roles = roles_of(user)
    return not roles & rule.roles and bool(roles & rule.stand_in)


def department_reach(user: Actor | None) -> int | None:
    """None when `user` sees every department, else their department's id (-1 for none)."""
    if holds(user, "see_all_departments"):
        return None
    if holds(user, "own_department") and user.department_id:
        return user.department_id
    return -1


def is_visible(user: Actor | None, record: object) -> bool:
    """Whether `record` lies within `user`'s departments (reference data is visible to all)."""
    reach = department_reach(user)
    if reach is None or not belongs_to_department(record):
        return True
    return reach != -1 and department_id_of(record) == reach


def _stand_in_allowed(rule: Action) -> bool:
    if rule.stand_in_setting is None:
        return True
    return not has_app_context() or bool(current_app.config.get(rule.stand_in_setting, True))


def _role_refusal(user: Actor | None, rule: Action, record: object | None) -> str | None:
    roles = roles_of(user)
    wanted = rule.roles
    for model, model_roles in rule.roles_by_model.items():
        if isinstance(record, model):
            wanted = model_roles
    if roles & wanted:
        return None
    if roles & rule.stand_in:
        if _stand_in_allowed(rule):
            return None
        return str(rule.stand_in_denied)
    return str(rule.denied)


def refusal(user: Actor | None, action: str, record: object | None = None) -> DomainError | None:
    """The error `ensure` would raise, or None when `user` may take `action` on `record`."""
    rule = ACTIONS[action]
    if record is not None and not is_visible(user, record):
        return NotFoundError(_("记录不存在。"))
    message = _role_refusal(user, rule, record)
    if message is None and record is not None:
        message = next(filter(None, (check(user, record) for check in rule.checks)), None)
    return None if message is None else PermissionDeniedError(message)


def can(user: Actor | None, action: str, record: object | None = None) -> bool:
    """Whether `user` may take `action` (on `record`, when given) now."""
    return refusal(user, action, record) is None


def ensure(user: Actor | None, action: str, record: R = None) -> R:
    """Return `record` when `user` may take `action` on it; else raise NotFoundError for a record
    out of scope or PermissionDeniedError with the reason."""
    error = refusal(user, action, record)
    if error is not None:
        raise error
    return record


def fab_permissions() -> dict[str, list[Pair]]:
    """{role name: FAB (permission, view) pairs} generated from `ACTIONS` for `flask init-roles`.
    No role receives every permission, FAB's admin role included."""
    result: dict[str, list[Pair]] = {PUBLIC: []}
    for name in (CONTACT, REVIEWER, LEADER, *SEPARATED_ROLES, PROCESS_ADMIN, HANDLER, APPLICANT):
        pairs: dict[Pair, None] = {}
        for rule in ACTIONS.values():
            if name in rule.roles or name in rule.stand_in:
                pairs.update(dict.fromkeys(rule.grants))
        result[name] = list(pairs)
    return result
