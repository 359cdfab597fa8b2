"""`permissions.can` / `ensure`: every action for every role, then the record's scope and state.

`EXPECTED` is the specification written out by hand, one letter per role in the order contact,
reviewer, leader, IT office (system administrator), security administrator, audit
administrator, process administrator, handler, applicant (申请人, the directory's people without a
console role: T) (a dash where the role may not): changing who
may do something means changing both the table in `app/services/access/permissions.py` and
this one.
"""

import ast
import re
from pathlib import Path

import pytest

from app.security.roles import AUDIT_ADMIN, CONTACT, IT_ADMIN, LEADER, REVIEWER, SECURITY_ADMIN
from app.services.access import permissions, separation
from app.services.errors import DomainError, NotFoundError, PermissionDeniedError
from app.services.review import lifecycle, workflow
from tests import factories as f

ROLE_ORDER = (
    "contact",
    "reviewer",
    "leader",
    "admin",
    "security",
    "auditor",
    "process_admin",
    "handler",
    "applicant",
)
EXPECTED = {
    "view_final_review": "-RLA-----",
    "submit_final_review": "---A-----",
    "record_final_decision": "-R-A-----",
    "view": "CRLA--PH-",
    "account": "CRLASUPHT",
    "see_all_departments": "-RLA-----",
    "own_department": "C-----PH-",
    "view_assessment": "-RLA-----",
    "edit": "C--A-----",
    "import": "C--A-----",
    "import_departments": "---A-----",
    "download_template": "CR-A-----",
    "export": "CRLA--PH-",
    "submit": "C--A-----",
    "withdraw": "C--A-----",
    "revise": "C--A-----",
    "approve": "-R-A-----",
    "return": "-R-A-----",
    "request_onboarding": "C-----P--",
    "approve_onboarding": "-R-A-----",
    "reject_onboarding": "-R-A-----",
    "start_development": "---A-----",
    "deliver": "---A-----",
    "accept": "C-----P--",
    "reject_acceptance": "C-----P--",
    "record_training": "C-----P--",
    "go_live": "---A-----",
    "request_change": "C-----P--",
    "approve_change": "-R-A-----",
    "reject_change": "-R-A-----",
    "request_offline": "C-----P--",
    "approve_offline": "-R-A-----",
    "reject_offline": "-R-A-----",
    "take_offline": "---A-----",
    "view_hall": "CRLA--PH-",
    "confirm_unit": "------P--",
    "propose_handler": "------P--",
    "approve_handler": "-R-A-----",
    "return_handler": "-R-A-----",
    "file_handler": "----S----",
    "keep_training": "---A-----",
    "keep_drills": "---A-----",
    "keep_ledger": "CR-A-----",
    "publish": "-R-A-----",
    "answer_comments": "-R-A-----",
    "manage_settings": "---A-----",
    "manage_completeness": "---A-----",
    "manage_security": "----S----",
    "read_audit": "-----U---",
    "remind": "---A-----",
    "receive_reminders": "C--------",
    "home_department": "C--------",
    "home_inbox": "-R-------",
    "home_overview": "--L------",
    "home_office": "---A-----",
    "second_factor": "---ASU---",
    "reset_second_factor": "----S----",
    "check_entries": "---A-----",
    "manage_calendar": "---A-----",
    "manage_api_tokens": "----S----",
    "receive_security_alerts": "----S----",
    "apply_case": "CRLA--PHT",
    "handle_case": "-------H-",
    "view_cases": "-RLA-----",
    "home_applicant": "--------T",
}
APP = Path(__file__).resolve().parent.parent / "app"


def test_the_specification_names_every_action_and_nothing_else():
    assert set(EXPECTED) == set(permissions.ACTIONS)


def test_every_workflow_and_lifecycle_move_is_an_action():
    moves = {action for _status, action in workflow.TRANSITIONS} | set(lifecycle.MOVES)
    assert moves <= set(permissions.ACTIONS)


@pytest.mark.parametrize("action", sorted(EXPECTED))
@pytest.mark.parametrize("index,role", list(enumerate(ROLE_ORDER)))
def test_can_answers_every_action_for_every_role(app, db_session, action, index, role):
    user = f.user(db_session, role)
    expected = EXPECTED[action][index] != "-"
    assert permissions.can(user, action) is expected
    if expected:
        permissions.ensure(user, action)
    else:
        with pytest.raises(PermissionDeniedError):
            permissions.ensure(user, action)


@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_anonymous_visitors_may_do_nothing(app, action):
    from flask_login import AnonymousUserMixin

    assert permissions.can(AnonymousUserMixin(), action) is False
    assert permissions.can(None, action) is False


def test_another_departments_record_is_missing_not_forbidden(app, db_session):
    item = f.complete_item(db_session, code="SI-PERM-OTHER", dept="T02")
    contact = f.user(db_session, "contact")
    assert permissions.can(contact, "view", item) is False
    with pytest.raises(NotFoundError):
        permissions.ensure(contact, "edit", item)
    with pytest.raises(NotFoundError):
        permissions.ensure(contact, "submit", item)
    own = f.complete_item(db_session, code="SI-PERM-OWN", dept="T01")
    assert permissions.ensure(contact, "edit", own) is own
    assert permissions.can(contact, "edit", own.materials[0]) is True


def test_a_leader_sees_every_record_but_changes_none(app, db_session):
    item = f.complete_item(db_session, code="SI-PERM-LEAD", dept="T02")
    leader = f.user(db_session, "leader")
    assert permissions.can(leader, "view", item) is True
    with pytest.raises(PermissionDeniedError, match="只能查看"):
        permissions.ensure(leader, "edit", item)


def test_an_offline_item_and_its_children_are_read_only(app, db_session):
    item = f.complete_item(db_session, code="SI-PERM-OFF", lifecycle="offline")
    for user in (f.user(db_session, "contact"), f.user(db_session, "admin")):
        for record in (item, item.materials[0], item.nodes[0]):
            with pytest.raises(PermissionDeniedError, match="已下线"):
                permissions.ensure(user, "edit", record)
        with pytest.raises(PermissionDeniedError, match="已下线"):
            permissions.ensure(user, "submit", item)
        assert permissions.can(user, "view", item) is True


def test_a_submitted_record_waits_for_its_review(app, db_session):
    item = f.complete_item(db_session, code="SI-PERM-SUB")
    contact = f.user(db_session, "contact")
    workflow.submit(db_session, item, contact)
    with pytest.raises(PermissionDeniedError, match="已提交审核"):
        permissions.ensure(contact, "edit", item)
    with pytest.raises(PermissionDeniedError, match="已提交审核"):
        permissions.ensure(contact, "edit", item.nodes[0])
    assert permissions.can(contact, "withdraw", item) is True


def test_nobody_reviews_their_own_submission(app, db_session):
    item = f.complete_item(db_session, code="SI-PERM-SELF")
    admin = f.user(db_session, "admin")
    workflow.submit(db_session, item, admin)
    with pytest.raises(PermissionDeniedError, match="自己提交"):
        permissions.ensure(admin, "approve", item)
    assert workflow.allowed_actions(item, admin) == ["withdraw"]
    reviewer = f.user(db_session, "reviewer")
    assert permissions.can(reviewer, "approve", item) is True
    assert sorted(workflow.allowed_actions(item, reviewer)) == ["approve", "return"]


def test_reviewers_keep_the_ledger_but_not_department_records(app, db_session):
    task = f.rectification_task(db_session, dept="T02")
    item = f.complete_item(db_session, code="SI-PERM-TASK", dept="T02")
    reviewer = f.user(db_session, "reviewer")
    assert permissions.can(reviewer, "edit", task) is True
    assert permissions.can(reviewer, "edit", item) is False
    assert permissions.can(f.user(db_session, "leader"), "edit", task) is False
    assert permissions.can(f.user(db_session, "contact"), "edit", task) is False  # T02
    assert permissions.can(f.user(db_session, "contact_other"), "edit", task) is True


def test_the_it_office_stands_in_for_the_reviewer_only_while_the_setting_allows(app, db_session):
    item = f.complete_item(db_session, code="SI-PERM-STAND")
    workflow.submit(db_session, item, f.user(db_session, "contact"))
    admin, reviewer = f.user(db_session, "admin"), f.user(db_session, "reviewer")
    assert permissions.is_stand_in(admin, "approve") is True
    assert permissions.is_stand_in(reviewer, "approve") is False
    assert permissions.can(admin, "approve", item) is True
    app.config["ALLOW_ADMIN_APPROVAL"] = False
    try:
        with pytest.raises(PermissionDeniedError, match="信息中心管理员不能审核"):
            permissions.ensure(admin, "approve", item)
        assert workflow.allowed_actions(item, admin) == ["withdraw"]
        assert permissions.can(reviewer, "approve", item) is True
        with pytest.raises(PermissionDeniedError):
            workflow.approve(db_session, item, admin, password=f.PASSWORD)
    finally:
        app.config["ALLOW_ADMIN_APPROVAL"] = True


def test_the_fab_permissions_of_each_role_are_generated_from_the_table():
    generated = permissions.fab_permissions()
    assert generated["Public"] == []
    contact, reviewer, leader = (set(generated[r]) for r in (CONTACT, REVIEWER, LEADER))
    assert ("can_import", "SheetView") in contact - reviewer - leader
    assert ("can_publish", "PublicationView") in reviewer - contact - leader
    assert ("can_remind", "BoardView") not in contact | reviewer | leader
    assert not {pair for pair in leader if pair[0] in ("can_add", "can_edit", "can_delete")}
    for role, pairs in generated.items():
        assert len(pairs) == len(set(pairs)), role


def test_the_three_administrators_share_no_power():
    """三权分立: the system, security and audit administrators share only their own account
    pages and the 基础设置 menu heading; FAB's admin role is the security administrator."""
    from config import AUTH_ROLE_ADMIN

    generated = permissions.fab_permissions()
    shared = set(permissions.ACTIONS["account"].grants) | {("menu_access", "Settings")}
    system, security, audit = (set(generated[r]) for r in (IT_ADMIN, SECURITY_ADMIN, AUDIT_ADMIN))
    assert system & security <= shared
    assert system & audit <= shared
    assert security & audit <= shared
    assert ("can_list", "AuditEntryView") in audit - system - security
    assert ("can_edit", "ConsoleUserDBModelView") in security - system - audit
    assert ("can_edit", "DepartmentView") in system - security - audit
    assert AUTH_ROLE_ADMIN == SECURITY_ADMIN


def test_an_account_may_hold_one_administrators_role_only():
    from types import SimpleNamespace as Role

    separation.ensure_separated([Role(name=IT_ADMIN), Role(name=REVIEWER)])
    with pytest.raises(DomainError, match="三权分立"):
        separation.ensure_separated([Role(name=IT_ADMIN), Role(name=AUDIT_ADMIN)])
    with pytest.raises(DomainError, match="安全管理员、审计管理员"):
        separation.ensure_separated([Role(name=SECURITY_ADMIN), Role(name=AUDIT_ADMIN)])


def test_every_generated_permission_names_a_registered_view_or_menu(app):
    """A typo in the table would grant a permission no route checks: every pair must be one
    that FAB registers for the console's views and menus."""
    from app.extensions import appbuilder

    with app.app_context():
        registered = {
            (pv.permission.name, pv.view_menu.name)
            for pv in appbuilder.sm.session.query(appbuilder.sm.permissionview_model)
        }
    wanted = {pair for pairs in permissions.fab_permissions().values() for pair in pairs}
    assert wanted - registered == set()


def test_the_system_administrator_keeps_every_power_but_the_other_two_administrators(app):
    """Splitting the IT office (三权分立) took users, roles and the audit log from it, nothing
    else: every registered permission belongs to the system, security or audit administrator,
    except what only a unit's own process administrator does (confirming go-live for its unit
    and naming its handlers, measures art. 4(3)②, 10) and what only a filed handler does
    (acting on the cases of their nodes, art. 6)."""
    from app.extensions import appbuilder

    with app.app_context():
        registered = {
            (pv.permission.name, pv.view_menu.name)
            for pv in appbuilder.sm.session.query(appbuilder.sm.permissionview_model)
        }
    generated = permissions.fab_permissions()
    others = set(generated[SECURITY_ADMIN]) | set(generated[AUDIT_ADMIN])
    others |= set(permissions.ACTIONS["confirm_unit"].grants)
    others |= set(permissions.ACTIONS["propose_handler"].grants)
    others |= set(permissions.ACTIONS["handle_case"].grants)
    assert registered - others - set(generated[IT_ADMIN]) == set()
    assert ("can_review", "WorkflowView") in generated[IT_ADMIN]  # the stand-in reviewer


def test_init_roles_gives_the_database_exactly_the_generated_permissions(app, db_session):
    from app.extensions import appbuilder

    for role, pairs in permissions.fab_permissions().items():
        stored = {
            (pv.permission.name, pv.view_menu.name)
            for pv in appbuilder.sm.find_role(role).permissions
        }
        assert stored == set(pairs), role


ROLE_NAME_CHECK = re.compile(
    r"\b(CONTACT|REVIEWER|IT_ADMIN|LEADER)\b\s*(not\s+)?in\b|\bin\s+\w*roles\b|role\.name\s*==|"
    r"role_names|has_access\(['\"]"
)
# Places that name roles to declare them, not to decide: the table, the names, the demo users,
# the CLI's system identity, LDAP's group mapping, and the directory page listing the mapping.
DECLARES_ROLES = {
    "services/access/permissions.py",
    "services/access/grants.py",  # the role sets the permission table is written with
    "services/access/separation.py",  # 三权分立: the three administrators' roles exclude each other
    "security/roles.py",
    "services/demo/people.py",  # the demo users, one per role
    "cli.py",
}


def test_no_role_name_is_checked_outside_the_permission_module():
    for check in ("if REVIEWER in roles:", "scope.role_names(user)", "has_access('can_x'"):
        assert ROLE_NAME_CHECK.search(check), check
    offenders = []
    for path in sorted(APP.rglob("*")):
        if path.suffix not in (".py", ".html") or str(path.relative_to(APP)) in DECLARES_ROLES:
            continue
        text = path.read_text(encoding="utf-8")
        offenders += [
            f"{path.relative_to(APP)}: {m.group(0)}" for m in ROLE_NAME_CHECK.finditer(text)
        ]
        if path.suffix == ".py":
            for node in ast.walk(ast.parse(text)):
                if isinstance(node, ast.ImportFrom) and node.module == "app.security.roles":
                    names = {alias.name for alias in node.names}
                    if names & {"CONTACT", "REVIEWER", "IT_ADMIN", "LEADER"}:
                        offenders.append(f"{path.relative_to(APP)} imports role names")
    assert offenders == []
