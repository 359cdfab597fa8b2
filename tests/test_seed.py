"""`flask seed-demo`: a realistic Chinese college, idempotent, scalable, with usable demo users.

The command runs in a subprocess against an empty database of its own (the engine under test),
exactly as `make run` runs it; the tests then read that database directly.
"""

import re
import textwrap
from datetime import date, timedelta

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import empty_database, flask_cli, python_cli

TABLES = (
    "department",
    "ab_user",
    "contact",
    "information_system",
    "service_item",
    "material",
    "process_node",
    "review_decision",
    "record_version",
    "rectification_task",
    "campaign",
    "campaign_phase",
    "entry_check",
)
PASSWORD_LINE = re.compile(r"已创建演示用户 (\w+)（(.+?)），初始密码：(\S+) ")


@pytest.fixture(scope="module")
def seeded():
    """A database of its own, migrated and seeded once with the default size, shared by this
    module's tests (the one that grows it runs last); yields (url, engine, output)."""
    with empty_database() as url:
        flask_cli("db", "upgrade", url=url)
        flask_cli("init-roles", url=url)
        result = flask_cli("seed-demo", url=url)
        engine = create_engine(url)
        yield url, engine, result.stdout
        engine.dispose()


def _counts(engine):
    with engine.connect() as conn:
        return {table: conn.scalar(text(f"SELECT COUNT(*) FROM {table}")) for table in TABLES}


def _scalar(engine, sql, **params):
    with engine.connect() as conn:
        return conn.scalar(text(sql), params)


def _rows(engine, sql, **params):
    with engine.connect() as conn:
        return conn.execute(text(sql), params).all()


def test_default_college_matches_the_campaign(seeded):
    """About 30 departments, 300 items in all three running statuses with materials and 3-8
    nodes each (but one listed without its sheet), about 60 systems with costs and problems,
    contacts and the year's campaign."""
    _url, engine, _output = seeded
    counts = _counts(engine)
    assert counts["department"] == 30
    assert counts["service_item"] == 300
    assert counts["information_system"] == 60
    assert counts["contact"] >= 30 and counts["campaign"] == 1 and counts["campaign_phase"] == 4
    names = {name for (name,) in _rows(engine, "SELECT name FROM department")}
    assert {
        "党政办公室",
        "宣传部（信息处）",
        "教务处",
        "学生处",
        "财务处",
        "人事处",
        "信息技术中心",
    } <= names
    assert len([n for n in names if n.endswith("学院")]) >= 5
    statuses = dict(
        _rows(engine, "SELECT running_status, COUNT(*) FROM service_item GROUP BY running_status")
    )
    assert set(statuses) == {"good", "improve", "deploy"} and min(statuses.values()) >= 30
    node_counts = [
        n for (n,) in _rows(engine, "SELECT COUNT(*) FROM process_node GROUP BY item_id")
    ]
    # One draft process is listed in 附件3 without its sheet on purpose (demo/findings.py).
    assert len(node_counts) == 299 and min(node_counts) >= 3 and max(node_counts) <= 8
    assert (
        _scalar(
            engine,
            "SELECT COUNT(*) FROM service_item s WHERE s.status = 'draft' AND s.conditions IS NULL "
            "AND NOT EXISTS (SELECT 1 FROM process_node n WHERE n.item_id = s.id) "
            "AND NOT EXISTS (SELECT 1 FROM material m WHERE m.item_id = s.id)",
        )
        == 1
    )
    assert _scalar(engine, "SELECT COUNT(DISTINCT item_id) FROM material") >= 270
    # A few systems are left incomplete on purpose (the campaign board must find them).
    assert (
        _scalar(
            engine,
            "SELECT COUNT(*) FROM information_system WHERE build_cost > 0 AND annual_om_cost > 0",
        )
        >= 50
    )
    assert (
        _scalar(
            engine,
            "SELECT COUNT(*) FROM information_system WHERE data_silo "
            "OR feature_gap OR poor_extensibility OR security_risk",
        )
        >= 10
    )
    workflow = dict(_rows(engine, "SELECT status, COUNT(*) FROM service_item GROUP BY status"))
    assert {"draft", "submitted", "approved", "returned"} <= set(workflow)
    # Every approved item has its signed decision and its version 1.
    assert (
        _scalar(
            engine,
            "SELECT COUNT(*) FROM service_item s WHERE s.status = 'approved' "
            "AND NOT EXISTS (SELECT 1 FROM record_version v WHERE "
            "v.record_type = 'service_item' AND v.record_id = s.id)",
        )
        == 0
    )


def test_the_demo_shows_items_at_every_stage_of_the_hall_chain(seeded):
    """Some items wait at each step on the way online, each with the requests, signatures and
    timeline that brought it there; 教务处's handler is filed on its running items."""
    _url, engine, _output = seeded
    states = dict(_rows(engine, "SELECT lifecycle, COUNT(*) FROM service_item GROUP BY lifecycle"))
    for state in (
        "planned",
        "onboarding_requested",
        "onboarding_approved",
        "in_development",
        "acceptance",
        "accepted",
        "confirming",
        "online",
        "change_requested",
    ):
        assert states.get(state, 0) > 0, state
    waiting = _scalar(engine, "SELECT COUNT(*) FROM hall_request WHERE status = 'submitted'")
    assert waiting == sum(
        states.get(s, 0) for s in ("onboarding_requested", "change_requested", "offline_requested")
    )
    unsigned = _scalar(
        engine,
        "SELECT COUNT(*) FROM hall_request WHERE status = 'approved' AND signature_hash IS NULL",
    )
    assert unsigned == 0
    assert (
        _scalar(
            engine,
            "SELECT COUNT(*) FROM hall_step s JOIN service_item i ON i.id = s.item_id "
            "WHERE i.lifecycle = 'confirming' AND s.action = 'record_training' "
            "AND s.attachment IS NOT NULL",
        )
        == states["confirming"]
    )
    assert _scalar(
        engine, "SELECT COUNT(*) FROM handler_assignment WHERE username = 'demo_handler'"
    )


def test_the_demo_has_a_nights_entry_checks_of_its_live_items(seeded):
    _url, engine, _output = seeded
    outcomes = dict(_rows(engine, "SELECT outcome, COUNT(*) FROM entry_check GROUP BY outcome"))
    assert outcomes["alive"] > 10 * (outcomes.get("dead", 0) + outcomes.get("unreachable", 0))
    assert outcomes.get("dead", 0) + outcomes.get("unreachable", 0) >= 1
    not_live = _scalar(
        engine,
        "SELECT COUNT(*) FROM entry_check c JOIN service_item i ON i.id = c.item_id "
        "WHERE i.lifecycle <> 'online'",
    )
    assert not_live == 0


def test_the_demo_trains_every_holder_of_a_training_gated_role(seeded):
    """Art. 18 gates the reviewer, process administrator and handler roles: `make run`'s demo
    gives each of its holders a passed assessment that is still valid today (one year), so
    their logins keep the roles; only the demo contact's is expired (due for retraining)."""
    _url, engine, _output = seeded
    holders = {
        username
        for (username,) in _rows(
            engine,
            "SELECT u.username FROM ab_user u JOIN ab_user_role ur ON ur.user_id = u.id "
            "JOIN ab_role r ON r.id = ur.role_id "
            "WHERE r.name IN ('审核员', '流程管理员', '办理人') AND u.username LIKE 'demo_%'",
        )
    }
    assert holders == {"demo_reviewer", "demo_procadmin", "demo_handler"}
    year_ago = date.today() - timedelta(days=365)
    for username in holders:
        latest = _scalar(
            engine,
            "SELECT MAX(session_date) FROM training_record WHERE username = :u AND passed = :yes",
            u=username,
            yes=True,
        )
        assert latest is not None and date.fromisoformat(str(latest)) > year_ago, username


def test_demo_users_get_one_role_each_and_their_password_is_printed_once(seeded):
    url, engine, output = seeded
    printed = {user: (role, password) for user, role, password in PASSWORD_LINE.findall(output)}
    assert {user: role for user, (role, _pw) in printed.items()} == {
        "demo_contact": "部门联系人",
        "demo_reviewer": "审核员",
        "demo_itadmin": "信息中心管理员",
        "demo_leader": "校领导",
        "demo_security": "安全管理员",
        "demo_auditor": "审计管理员",
        "demo_procadmin": "流程管理员",
        "demo_handler": "办理人",
    }
    roles = dict(
        _rows(
            engine,
            "SELECT u.username, r.name FROM ab_user u "
            "JOIN ab_user_role ur ON ur.user_id = u.id "
            "JOIN ab_role r ON r.id = ur.role_id "
            "WHERE u.username LIKE 'demo_%'",
        )
    )
    assert roles == {user: role for user, (role, _pw) in printed.items()}
    assert (
        _scalar(
            engine,
            "SELECT d.name FROM ab_user u JOIN department d ON "
            "d.id = u.department_id WHERE u.username = 'demo_contact'",
        )
        == "教务处"
    )
    # The printed password is the one stored, and it meets the password rules.
    for password in (password for _role, password in printed.values()):
        assert len(password) >= 12 and re.search(r"[A-Z]", password) and re.search(r"\d", password)
    script = textwrap.dedent("""
        import sys
        from werkzeug.security import check_password_hash
        from sqlalchemy import create_engine, text
        engine = create_engine(sys.argv[1])
        pairs = zip(sys.argv[2::2], sys.argv[3::2])
        with engine.connect() as conn:
            for user, password in pairs:
                stored = conn.scalar(text("SELECT password FROM ab_user WHERE username = :u"),
                                     {"u": user})
                print(user, check_password_hash(stored, password))
    """)
    arguments = [value for user, (_role, pw) in printed.items() for value in (user, pw)]
    checked = python_cli("-c", script, url, *arguments, url=url).stdout.split()
    assert checked == [value for user in printed for value in (user, "True")]
    again = flask_cli("seed-demo", url=url).stdout
    assert "初始密码" not in again


def test_seeded_versions_match_what_the_workflow_would_freeze(seeded):
    """The bulk generator writes the same snapshot hash the workflow computes from the stored
    record, and the audit chain it extends still verifies."""
    url, _engine, _output = seeded
    script = textwrap.dedent("""
        from app import create_app
        from app.extensions import db
        from app.models import RecordVersion, ServiceItem, InformationSystem, Contact
        from app.services.trail.snapshot import snapshot, snapshot_hash
        models = {"service_item": ServiceItem, "information_system": InformationSystem,
                  "contact": Contact}
        app = create_app()
        with app.app_context():
            versions = db.session.query(RecordVersion).all()
            bad = [v.id for v in versions
                   if snapshot_hash(snapshot(db.session.get(models[v.record_type], v.record_id),
                                             v.record_type)) != v.snapshot_hash]
            print(len(versions), len(bad))
    """)
    total, bad = map(int, python_cli("-c", script, url=url).stdout.split()[-2:])
    assert total > 150 and bad == 0
    assert "哈希链校验通过" in flask_cli("audit-verify", url=url).stdout


@pytest.mark.parametrize(
    "value, message", [("abc", "必须是整数"), ("-5", "必须在 0 到"), ("2000000", "必须在 0 到")]
)
def test_bad_item_count_is_refused_in_chinese(empty_database_url, value, message):
    result = flask_cli("seed-demo", "--items", value, url=empty_database_url, check=False)
    assert result.returncode == 2 and message in result.stderr


def test_seed_is_idempotent_and_scales_by_adding_only_what_is_missing(seeded):
    url, engine, _output = seeded
    before = _counts(engine)
    codes_before = {c for (c,) in _rows(engine, "SELECT code FROM service_item")}
    second = flask_cli("seed-demo", url=url).stdout
    assert "演示数据已齐全" in second
    assert _counts(engine) == before

    flask_cli("seed-demo", "--items", "1200", url=url)
    after = _counts(engine)
    assert after["service_item"] == 1200 and after["department"] == 30
    assert after["ab_user"] == before["ab_user"]
    assert codes_before <= {c for (c,) in _rows(engine, "SELECT code FROM service_item")}
    assert (
        _scalar(
            engine,
            "SELECT COUNT(*) FROM (SELECT code FROM service_item GROUP BY code "
            "HAVING COUNT(*) > 1) dup",
        )
        == 0
    )


def test_the_demo_plants_the_handling_and_sheet_findings(seeded):
    """Handlers are filed on live items' nodes by the units handling them; two have left with
    nobody filed after them; two 即办件 certificates kept an approval node."""
    _url, engine, _output = seeded
    units = "SELECT COUNT(DISTINCT department_id) FROM handler_assignment WHERE status = 'filed'"
    assert _scalar(engine, units) > 10
    left = (
        "SELECT COUNT(*) FROM handler_assignment a WHERE a.status = 'ended' AND NOT EXISTS "
        "(SELECT 1 FROM handler_assignment b WHERE b.node_id = a.node_id AND b.status = 'filed')"
    )
    assert _scalar(engine, left) == 2
    instant = (
        "SELECT COUNT(DISTINCT s.id) FROM service_item s JOIN process_node n ON n.item_id = s.id "
        "WHERE s.handling_type = 'immediate' AND s.promised_limit = '即办件' AND n.kind = 'approve'"
    )
    assert _scalar(engine, instant) == 2
