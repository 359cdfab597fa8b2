"""Trained before access (measures art. 18): the process administrator, handler and reviewer
(审核员) roles are granted only with a passed, unexpired assessment; an expired one blocks new
grants, suspends the role with a notice and shows on the hall's to-do list."""

from datetime import date, timedelta

import pytest

from app.models import AuditEntry, ConsoleUser
from app.security.roles import HANDLER, LEADER, PROCESS_ADMIN, REVIEWER
from app.services.access import training
from app.services.errors import DomainError
from app.services.review import tasks
from tests import factories as f
from tests.helpers import form_errors

OLD = date.today() - timedelta(days=400)


@pytest.fixture
def users(db_session):
    """The fixture users; their roles and names as they were once the test ends (the tests
    here commit role changes, and the users outlive each test)."""
    from app.models.user import ConsoleUser as Account

    found = {role: f.user(db_session, role) for role in f.ROLE_USERS}
    kept = {
        u.id: ([r.name for r in u.roles], u.first_name, u.department_id) for u in found.values()
    }
    yield found
    from app.extensions import appbuilder

    db_session.rollback()
    db_session.expire_all()
    for user_id, (names, first_name, department_id) in kept.items():
        user = db_session.get(Account, user_id)
        user.roles = [appbuilder.sm.find_role(name) for name in names]
        user.first_name, user.department_id = first_name, department_id
    db_session.commit()


def test_a_grant_needs_a_passed_unexpired_assessment(app, db_session, users):
    with pytest.raises(DomainError, match="没有培训考核合格记录"):
        training.ensure_may_grant(db_session, "t_leader", [PROCESS_ADMIN])
    f.training_record(db_session, username="t_leader", session_date=OLD)
    with pytest.raises(DomainError, match="过期") as refused:
        training.ensure_may_grant(db_session, "t_leader", [PROCESS_ADMIN, HANDLER])
    expected = (OLD + timedelta(days=app.config["TRAINING_VALID_DAYS"])).isoformat()
    assert expected in str(refused.value) and "办理人" in str(refused.value)
    f.training_record(db_session, username="t_leader", passed=False)
    with pytest.raises(DomainError):  # a failed assessment is no assessment
        training.ensure_may_grant(db_session, "t_leader", [PROCESS_ADMIN])
    training.ensure_may_grant(db_session, "t_leader", [LEADER])  # untrained roles: no gate
    f.training_record(db_session, username="t_leader")
    training.ensure_may_grant(db_session, "t_leader", [PROCESS_ADMIN])


def test_the_reviewer_role_is_gated_like_the_hall_roles(app, client_as, db_session, users):
    """Art. 18 names 审核员 beside 流程管理员 and 办理人: the security administrator cannot
    give it without a valid assessment, and an expired one suspends it with a notice."""
    with pytest.raises(DomainError, match="不能授予审核员角色"):
        training.ensure_may_grant(db_session, "t_leader", [REVIEWER])
    from app.extensions import appbuilder

    leader = users["leader"]
    form = _edit_form(leader, [*leader.roles, appbuilder.sm.find_role(REVIEWER)])
    admin = client_as("security")
    response = admin.post(f"/users/edit/{leader.id}", data=form, follow_redirects=True)
    assert any("不能授予审核员角色" in t for t in form_errors(response)), form_errors(response)
    f.training_record(db_session, username=leader.username)
    db_session.commit()
    response = admin.post(f"/users/edit/{leader.id}", data=form, follow_redirects=True)
    assert not form_errors(response), form_errors(response)

    reviewer = users["reviewer"]
    f.training_record(db_session, username=reviewer.username, session_date=OLD)
    assert training.suspend_expired(db_session, reviewer) == [REVIEWER]
    assert not reviewer.roles and any("审核员角色已暂停" in n for n in reviewer.notices)


def test_a_record_with_its_own_end_expires_on_that_day(app, db_session, users):
    f.training_record(db_session, username="t_leader", valid_until=date.today())
    assert training.valid_training(db_session, "t_leader") is not None
    tomorrow = date.today() + timedelta(days=1)
    assert training.valid_training(db_session, "t_leader", today=tomorrow) is None


def _edit_form(user, roles):
    return {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "username": user.username,
        "active": "y",
        "email": user.email,
        "department": str(user.department_id or ""),
        "roles": [str(r.id) for r in roles],
    }


def test_the_user_screen_refuses_the_process_administrator_role_without_training(
    app, client_as, db_session, users
):
    from app.extensions import appbuilder

    leader = users["leader"]
    role = appbuilder.sm.find_role(PROCESS_ADMIN)
    form = _edit_form(leader, [*leader.roles, role])
    admin = client_as("security")
    response = admin.post(f"/users/edit/{leader.id}", data=form, follow_redirects=True)
    assert any("不能授予流程管理员角色" in t for t in form_errors(response)), form_errors(response)
    db_session.expire_all()
    assert PROCESS_ADMIN not in {r.name for r in db_session.get(ConsoleUser, leader.id).roles}

    f.training_record(db_session, username=leader.username)
    db_session.commit()
    response = admin.post(f"/users/edit/{leader.id}", data=form, follow_redirects=True)
    assert not form_errors(response), form_errors(response)
    db_session.expire_all()
    assert PROCESS_ADMIN in {r.name for r in db_session.get(ConsoleUser, leader.id).roles}


def test_keeping_a_role_one_already_holds_is_no_new_grant(app, client_as, db_session, users):
    """An expired administrator's account can still be edited (the role is suspended by the
    login and by `flask hall-sync`, with a notice), without the edit failing."""
    admin_user = users["process_admin"]
    form = {**_edit_form(admin_user, admin_user.roles), "first_name": "改名"}
    response = client_as("security").post(
        f"/users/edit/{admin_user.id}", data=form, follow_redirects=True
    )
    assert not form_errors(response), form_errors(response)
    db_session.expire_all()
    assert db_session.get(ConsoleUser, admin_user.id).first_name == "改名"


def test_an_expired_assessment_suspends_the_role_with_a_notice_and_an_audit_row(
    app, db_session, users
):
    user = users["process_admin"]
    f.training_record(db_session, username=user.username, session_date=OLD)
    events = db_session.query(AuditEntry).filter_by(action="permission", record_id=user.id)
    before = events.count()
    assert training.suspend_expired(db_session, user) == [PROCESS_ADMIN]
    assert PROCESS_ADMIN not in {r.name for r in user.roles}
    assert any("角色已暂停" in n for n in user.notices)
    db_session.flush()
    assert events.count() == before + 1
    assert "培训考核过期" in events.order_by(AuditEntry.id.desc()).first().summary
    trained = users["process_admin_other"]
    f.training_record(db_session, username=trained.username)
    assert training.suspend_expired(db_session, trained) == []


def test_hall_sync_suspends_expired_holders(app, db_session, users):
    f.training_record(db_session, username="t_procadmin2")  # valid: keeps the role
    db_session.commit()
    from app.cli import hall_sync_command

    result = app.test_cli_runner().invoke(hall_sync_command)
    assert "t_procadmin：培训考核过期，暂停流程管理员" in result.output
    assert "t_reviewer：培训考核过期，暂停审核员" in result.output
    assert "t_procadmin2" not in result.output
    db_session.expire_all()
    kept = db_session.query(ConsoleUser).filter_by(username="t_procadmin2").one()
    gone = db_session.query(ConsoleUser).filter_by(username="t_procadmin").one()
    assert PROCESS_ADMIN in {r.name for r in kept.roles}
    assert PROCESS_ADMIN not in {r.name for r in gone.roles}


def test_the_to_do_list_shows_who_is_due_for_retraining(app, db_session, users):
    f.training_record(db_session, username="t_procadmin", session_date=OLD)
    soon = date.today() + timedelta(days=5)
    f.training_record(db_session, username="t_procadmin2", valid_until=soon)
    f.training_record(db_session, username="t_handler")
    rows = [r for r in tasks.next_steps(db_session, users["admin"]) if r["kind"] == "training"]
    texts = [str(r["what"]) for r in rows]
    assert any("已过期" in t and "t_procadmin（" in t for t in texts), texts
    assert any("即将到期" in t and "t_procadmin2" in t for t in texts), texts
    assert not any("t_handler" in t for t in texts)
    assert [r["overdue"] for r in rows if "t_procadmin2" in str(r["what"])] == [False]
    own = tasks.next_steps(db_session, users["process_admin"])
    assert [str(r["what"]) for r in own if r["kind"] == "training"] == [
        t for t in texts if "t_procadmin（" in t
    ]
    assert not [
        r for r in tasks.next_steps(db_session, users["contact"]) if r["kind"] == "training"
    ]
    assert any("t_reviewer（审核员）" in t for t in texts), texts  # never trained
    mine = tasks.next_steps(db_session, users["reviewer"])
    assert [str(r["what"]) for r in mine if r["kind"] == "training"] == [
        "培训考核已过期，需重新培训：t_reviewer（审核员）"
    ]


def test_the_to_do_page_lists_the_retraining(app, client_as, db_session, users):
    f.training_record(db_session, username="t_procadmin", session_date=OLD)
    db_session.commit()
    page = client_as("admin").get("/hall/")
    assert page.status_code == 200
    assert "培训考核已过期，需重新培训：t_procadmin（流程管理员）" in page.text


def test_the_demo_directories_reviewer_is_trained_once(app, db_session):
    """scripts/run_ldap.py and run_cas.py give their reviewer `shenhe` a passed training of
    today, so that the directory login keeps the gated role; a second start adds none, and an
    expired record is followed by a new one."""
    from app.models import TrainingRecord
    from app.services.demo.hall import train_people

    f.training_record(db_session, username="shenhe_old", session_date=OLD)
    people = [("shenhe", "审核员"), ("shenhe_old", "审核员")]
    assert train_people(db_session, people) == ["shenhe", "shenhe_old"]
    assert training.valid_training(db_session, "shenhe").display_name == "审核员"
    assert train_people(db_session, people) == []
    assert db_session.query(TrainingRecord).filter_by(username="shenhe").count() == 1
