"""Builders for test data: departments, users per role, and valid records."""

from datetime import date

import pyotp

from app.models import (
    Campaign,
    CampaignPhase,
    Contact,
    Department,
    InformationSystem,
    Material,
    ProcessNode,
    RectificationTask,
    ServiceItem,
)
from app.models.base import utcnow
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
    SEPARATED_ROLES,
)

PASSWORD = "Test#Pass2026"

DEPARTMENTS = (("T01", "测试教务处", "functional"), ("T02", "测试学生处", "functional"))

ROLE_USERS = {
    "admin": {"username": "t_admin", "role": IT_ADMIN, "dept": None},
    "security": {"username": "t_security", "role": SECURITY_ADMIN, "dept": None},
    "auditor": {"username": "t_auditor", "role": AUDIT_ADMIN, "dept": None},
    "reviewer": {"username": "t_reviewer", "role": REVIEWER, "dept": None},
    "leader": {"username": "t_leader", "role": LEADER, "dept": None},
    "contact": {"username": "t_contact", "role": CONTACT, "dept": "T01"},
    "contact_other": {"username": "t_contact2", "role": CONTACT, "dept": "T02"},
    "process_admin": {"username": "t_procadmin", "role": PROCESS_ADMIN, "dept": "T01"},
    "process_admin_other": {"username": "t_procadmin2", "role": PROCESS_ADMIN, "dept": "T02"},
    "handler": {"username": "t_handler", "role": HANDLER, "dept": "T01"},
    # A student: no department scope, only 网上办事.
    "applicant": {"username": "t_applicant", "role": APPLICANT, "dept": None},
}


FIXTURE_DEPARTMENTS = {code: (name, kind) for code, name, kind in DEPARTMENTS}


def department(session, code="T01"):
    return session.query(Department).filter_by(code=code).one()


def make_users(appbuilder):
    """The fixture departments and one user per role (password PASSWORD)."""
    session = appbuilder.sm.session
    for code, name, kind in DEPARTMENTS:
        if not session.query(Department).filter_by(code=code).first():
            session.add(Department(code=code, name=name, kind=kind))
    session.flush()
    for spec in ROLE_USERS.values():
        if appbuilder.sm.find_user(username=spec["username"]):
            continue
        user = appbuilder.sm.add_user(
            spec["username"],
            spec["username"],
            "测试",
            f"{spec['username']}@example.edu.cn",
            appbuilder.sm.find_role(spec["role"]),
            password=PASSWORD,
        )
        assert user, f"could not create {spec['username']}"
        user.password_changed_at = utcnow()  # chosen by the user: no forced change at login
        if spec["role"] in SEPARATED_ROLES:  # the administrators enrolled their authenticator
            user.totp_secret = pyotp.random_base32()
            user.totp_enrolled_at = utcnow()
        if spec["dept"]:
            user.department_id = department(session, spec["dept"]).id


def restore_users(session):
    """Give the fixture users back their one role, their department and their active flag when
    a test changed them (a suspended trained role, a move to another unit, a lock), so that no
    test sees what an earlier one did to the shared accounts; the fixture departments get back
    their names (a rename in tests/test_version_seen.py)."""
    from flask_appbuilder.security.sqla.models import Role

    from app.models import ConsoleUser

    roles = {r.name: r for r in session.query(Role)}
    for dept in session.query(Department):  # a test may rename a fixture department
        fixture = FIXTURE_DEPARTMENTS.get(dept.code)
        if fixture is not None and (dept.name, dept.kind) != fixture:
            dept.name, dept.kind = fixture
    departments = {d.code: d.id for d in session.query(Department)}
    names = [spec["username"] for spec in ROLE_USERS.values()]
    found = session.query(ConsoleUser).filter(ConsoleUser.username.in_(names))
    users = {u.username: u for u in found}
    for spec in ROLE_USERS.values():
        user = users[spec["username"]]
        if [r.name for r in user.roles] != [spec["role"]]:
            user.roles = [roles[spec["role"]]]
        dept = departments[spec["dept"]] if spec["dept"] else None
        if user.department_id != dept:
            user.department_id = dept
        if not user.active:
            user.active = True


def restore_rules(session):
    """Give the completeness rules (seeded by their migration, kept between tests) back their
    defaults when a test changed a level."""
    from app.models import CompletenessRule
    from app.models.completeness_rule import BY_KEY

    for rule in session.query(CompletenessRule):
        default = BY_KEY.get((rule.subject, rule.field))
        if default is not None and rule.level != default.default:
            rule.level = default.default


def service_item(session, code="SI-T-001", dept="T01", **values):
    values.setdefault("kind", "service")
    values.setdefault("running_status", "good")
    item = ServiceItem(
        code=code,
        name=values.pop("name", "成绩证明开具"),
        department=department(session, dept),
        **values,
    )
    session.add(item)
    session.flush()
    return item


def material(session, item, name="身份证复印件", **values):
    values.setdefault("form", "copy")
    row = Material(item=item, name=name, **values)
    session.add(row)
    session.flush()
    return row


def process_node(session, item, name="学院审核", position=1, **values):
    values.setdefault("kind", "review")
    row = ProcessNode(item=item, name=name, position=position, **values)
    session.add(row)
    session.flush()
    return row


def information_system(session, code="SYS-T-001", dept="T01", **values):
    row = InformationSystem(
        code=code,
        name=values.pop("name", "教务管理系统"),
        department=department(session, dept),
        **values,
    )
    session.add(row)
    session.flush()
    return row


def contact(session, dept="T01", **values):
    row = Contact(
        name=values.pop("name", "张老师"),
        phone=values.pop("phone", "0816-1234567"),
        department=department(session, dept),
        **values,
    )
    session.add(row)
    session.flush()
    return row


def rectification_task(session, dept="T01", **values):
    row = RectificationTask(
        title=values.pop("title", "打通教务与学工数据"),
        department=department(session, dept),
        **values,
    )
    session.add(row)
    session.flush()
    return row


def campaign(session, year=2026, **values):
    row = Campaign(
        year=year,
        name=f"{year}年度服务治理工作",
        start_date=values.pop("start_date", date(year, 7, 1)),
        end_date=values.pop("end_date", date(year, 12, 31)),
        **values,
    )
    session.add(row)
    session.flush()
    return row


def campaign_phase(session, camp, **values):
    row = CampaignPhase(
        campaign=camp,
        name=values.pop("name", "联系人报送"),
        kind="contacts",
        start_date=values.pop("start_date", date(camp.year, 7, 1)),
        end_date=values.pop("end_date", date(camp.year, 7, 20)),
        **values,
    )
    session.add(row)
    session.flush()
    return row


def complete_item(session, code="SI-FULL-001", dept="T01", **values):
    """A service item with all six modules, two nodes and a material: ready to submit."""
    item = service_item(
        session,
        code=code,
        dept=dept,
        conditions="在籍学生",
        path="融合门户—应用中心",
        consultation="0816-1234567",
        promised_limit="3个工作日",
        service_hours="工作日 8:30-17:30",
        tips="请提前申请",
        **values,
    )
    material(session, item, name="申请表", position=1)
    process_node(session, item, name="提交申请", position=1, kind="submit")
    process_node(session, item, name="部门审核", position=2, kind="review")
    session.refresh(item)
    return item


def complete_system(session, code="SYS-FULL-001", dept="T01", **values):
    from decimal import Decimal

    return information_system(
        session,
        code=code,
        dept=dept,
        vendor="某某科技",
        go_live_date=date(2020, 9, 1),
        build_cost=Decimal("100"),
        annual_om_cost=Decimal("10"),
        user_groups="staff",
        daily_active_operations=500,
        core_usage_rate=Decimal("60"),
        deployment="local",
        mobile_adaptation="full",
        portal_integration="full",
        **values,
    )


def complete_contact(session, dept="T01", **values):
    return contact(
        session, dept=dept, post="科长", knows_processes=True, administers_systems=True, **values
    )


def user(session, role):
    from app.models import ConsoleUser

    return session.query(ConsoleUser).filter_by(username=ROLE_USERS[role]["username"]).one()


def hall_request(session, item, kind="onboarding", **values):
    from app.models import HallRequest

    row = HallRequest(
        item=item,
        department_id=item.department_id,
        kind=kind,
        reason=values.pop("reason", "师生需求强烈，申请入驻"),
        no_classified=True,
        submitted_at=values.pop("submitted_at", utcnow()),
        **values,
    )
    session.add(row)
    session.flush()
    return row


def handler_assignment(session, node, username="t_handler", status="filed", **values):
    from app.models import HandlerAssignment

    row = HandlerAssignment(
        node=node,
        item_id=node.item_id,
        department_id=node.handling_department_id or node.item.department_id,
        username=username,
        display_name=values.pop("display_name", "测试办理人"),
        status=status,
        submitted_at=utcnow(),
        **values,
    )
    session.add(row)
    session.flush()
    return row


def training_record(session, username="t_handler", **values):
    from app.models import TrainingRecord

    row = TrainingRecord(
        username=username,
        display_name=values.pop("display_name", "测试办理人"),
        session_name=values.pop("session_name", "网上办事大厅办理人培训"),
        session_date=values.pop("session_date", date.today()),
        passed=values.pop("passed", True),
        **values,
    )
    session.add(row)
    session.flush()
    return row


def hall_drill(session, **values):
    from app.models import HallDrill

    row = HallDrill(
        kind=values.pop("kind", "drill"),
        title=values.pop("title", "办事大厅数据库故障切换演练"),
        held_on=values.pop("held_on", date(2026, 11, 20)),
        **values,
    )
    session.add(row)
    session.flush()
    return row
