"""Unified authentication against a real slapd: roles and department from the directory,
bad input and injection refused, directory down, the local emergency administrator."""

import socket
import threading
import time

import ldap
import pytest

from app.models import AuditEntry, ConsoleUser
from app.models.base import utcnow
from app.security import ldap_auth
from tests import factories as f
from tests.helpers import pass_second_factor
from tests.ldap_fixtures import LDAP_PASSWORD


def _login(client, username, password):
    return client.post("/login/", data={"username": username, "password": password})


def _user(db_session, username):
    db_session.expire_all()
    return db_session.query(ConsoleUser).filter_by(username=username).one_or_none()


def _last_entry(db_session):
    db_session.expire_all()
    return db_session.query(AuditEntry).order_by(AuditEntry.seq.desc()).first()


def test_memberof_directory_gives_roles_and_department(ldap_mode, client, db_session):
    response = _login(client, "zhangwei", LDAP_PASSWORD)
    assert response.status_code == 302
    user = _user(db_session, "zhangwei")
    assert user.source == "ldap"
    assert {r.name for r in user.roles} == {"部门联系人", "校领导"}
    assert user.department.code == "T01"
    assert user.last_name + user.first_name == "张伟"
    assert client.get("/serviceitemview/list/").status_code == 200


def test_group_search_directory_gives_roles(ldap_mode, client, db_session):
    """groupOfUniqueNames with uniqueMember and no memberOf: we search the groups ourselves
    (the reviewer is trained: art. 18 gates the 审核员 role)."""
    f.training_record(db_session, username="lina", display_name="李娜")
    db_session.commit()
    assert _login(client, "lina", LDAP_PASSWORD).status_code == 302
    assert [r.name for r in _user(db_session, "lina").roles] == ["审核员"]


def test_an_untrained_directory_reviewer_is_suspended_at_login_with_a_notice(
    ldap_mode, client, db_session
):
    """The directory's reviewers group alone does not give the 审核员 role (art. 18): without
    a passed, unexpired assessment the login suspends it, says so and audits it."""
    assert _login(client, "lina", LDAP_PASSWORD).status_code == 302
    user = _user(db_session, "lina")
    assert user.roles == []
    events = db_session.query(AuditEntry).filter_by(action="permission", record_id=user.id)
    assert "培训考核过期，暂停角色：lina" in [e.summary for e in events]
    assert "审核员角色已暂停" in client.get("/", follow_redirects=True).text


def test_roles_follow_the_directory_at_every_login(ldap_mode, app, db_session):
    assert _login(app.test_client(), "zhangwei", LDAP_PASSWORD).status_code == 302
    ldap_mode.set_group_members("console-leaders", [])
    try:
        assert _login(app.test_client(), "zhangwei", LDAP_PASSWORD).status_code == 302
        assert [r.name for r in _user(db_session, "zhangwei").roles] == ["部门联系人"]
    finally:
        ldap_mode.set_group_members("console-leaders", ["zhangwei"])


@pytest.mark.parametrize("username", ["zhaoxue", "nogroup"])
def test_a_directory_person_without_a_console_role_logs_in_as_applicant(
    ldap_mode, client, db_session, username
):
    """A student (or staff member) in no console group is 申请人: the 网上办事 menu (service list,
    我的办件) and nothing of the campaign, not even their own department's records."""
    assert _login(client, username, LDAP_PASSWORD).status_code == 302
    assert [r.name for r in _user(db_session, username).roles] == ["申请人"]
    home = client.get("/").text
    assert "网上办事" in home and "我的办件" in home and "在线申请" in home
    for menu in (
        "梳理填报",
        "整改台账",
        "进度与考核",
        "网上办事大厅",
        "待办办件",
        "办件记录",
        "基础设置",
    ):
        assert menu not in home, menu
    assert client.get("/cases/").status_code == 200
    assert client.get("/cases/mine").status_code == 200
    for url in ("/serviceitemview/list/", "/contactview/list/", "/cases/inbox", "/caseview/list/"):
        assert client.get(url).status_code in (302, 403), url


def test_without_a_default_role_a_person_without_a_mapped_group_is_refused(
    ldap_mode, app, client, monkeypatch
):
    monkeypatch.setitem(app.config, "DIRECTORY_DEFAULT_ROLE", "")
    response = _login(client, "nogroup", LDAP_PASSWORD)
    assert response.status_code == 401 and "尚未分配本系统的角色" in response.text


def test_a_directory_account_in_two_administrators_groups_is_refused(
    ldap_mode, app, client, db_session
):
    """三权分立: groups mapping one account to the system and the audit administrator refuse
    the login (audited); one administrator's group alone works."""
    from app.models import AuditEntry

    response = _login(client, "sunli", LDAP_PASSWORD)
    assert response.status_code == 401 and "三权分立" in response.text
    entry = db_session.query(AuditEntry).order_by(AuditEntry.seq.desc()).first()
    assert (entry.action, entry.username) == ("login_failed", "sunli")
    assert "separated roles" in entry.changes
    response = _login(client, "qianfeng", LDAP_PASSWORD)
    # The security administrator's second factor (enrolled here, at the first login).
    assert pass_second_factor(app, client, response, "qianfeng").status_code in (200, 302)
    assert [r.name for r in _user(db_session, "qianfeng").roles] == ["安全管理员"]
    assert client.get("/users/list/").status_code == 200
    assert client.get("/serviceitemview/list/").status_code == 403


def test_unknown_department_code_says_so_and_gives_no_department(ldap_mode, client, db_session):
    response = _login(client, "stranger", LDAP_PASSWORD)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).text
    assert "ZZ99" in page and "未在本系统登记" in page
    assert _user(db_session, "stranger").department_id is None
    f.complete_item(db_session, code="SI-LDAP-1")
    db_session.commit()
    assert "SI-LDAP-1" not in client.get("/serviceitemview/list/").text


def test_empty_password_is_refused_even_where_the_directory_would_accept_it(
    ldap_mode, client, db_session
):
    raw = ldap.initialize(ldap_mode.url)
    raw.simple_bind_s(ldap_mode.person_dn("zhangwei"), "")  # slapd allows it (bind_anon_dn)
    raw.unbind_s()
    _login(client, "zhangwei", LDAP_PASSWORD)  # make the user known (registered)
    other = client.application.test_client()
    response = _login(other, "zhangwei", "")
    assert response.status_code == 401 and "用户名或密码错误" in response.text
    entry = _last_entry(db_session)
    assert entry.action == "login_failed" and "empty password" in entry.changes
    assert ldap_auth.authenticate("zhangwei", "") is None


@pytest.mark.parametrize(
    "username,password",
    [
        ("zhangwei", "\x00"),
        ("zhangwei", "\x00" + LDAP_PASSWORD),
        ("*", LDAP_PASSWORD),
        ("a)(|(uid=*", LDAP_PASSWORD),
        ("zhangwei)(uid=*", LDAP_PASSWORD),
        ("zhangwei,ou=x", LDAP_PASSWORD),
        ("zhangwei+cn=x", LDAP_PASSWORD),
        ("z" * 300, LDAP_PASSWORD),
        ("zhangwei", "p" * 5000),
    ],
)
def test_bad_input_and_injection_are_refused(ldap_mode, client, username, password):
    response = _login(client, username, password)
    assert response.status_code in (400, 401)
    assert "用户名或密码错误" in response.text or "请求无效" in response.text
    assert "/login/" in client.get("/serviceitemview/list/").headers.get("Location", "")


@pytest.mark.parametrize("username", ["*", "zhang*", "a)(|(uid=*", "zhangwei)(uid=*"])
def test_filter_escaping_holds_below_our_guard(ldap_mode, app, username):
    """Even called directly, a crafted name matches no entry (the filter is escaped)."""
    with app.app_context():
        assert ldap_auth.authenticate(username, LDAP_PASSWORD) is None


def test_unknown_user_and_wrong_password_look_the_same(ldap_mode, app):
    unknown = _login(app.test_client(), "nobody-here", LDAP_PASSWORD)
    wrong = _login(app.test_client(), "lina", "wrong-password")
    assert unknown.status_code == wrong.status_code == 401

    def message(response):
        return [line for line in response.text.splitlines() if "错误" in line]

    assert message(unknown) == message(wrong)


def _unreachable(monkeypatch, app, url, timeout=None):
    monkeypatch.setitem(app.config, "AUTH_LDAP_SERVER", url)
    if timeout is not None:
        monkeypatch.setitem(app.config, "LDAP_TIMEOUT_SECONDS", timeout)


def test_directory_refusing_connections_says_unavailable(
    ldap_mode, app, client, db_session, monkeypatch
):
    from devtools.slapd import free_port

    _unreachable(monkeypatch, app, f"ldap://127.0.0.1:{free_port()}")
    started = time.monotonic()
    response = _login(client, "lina", LDAP_PASSWORD)
    assert time.monotonic() - started < 6
    assert response.status_code == 503
    assert "统一身份认证服务暂时无法连接" in response.text
    assert "用户名或密码错误" not in response.text
    entry = _last_entry(db_session)
    assert entry.action == "login_failed" and "directory unavailable" in entry.changes


def test_silent_directory_times_out_within_five_seconds(ldap_mode, app, client, monkeypatch):
    """A server that accepts the connection and never answers: at most 5 s, then a message."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)  # the kernel completes handshakes; nothing ever answers
    try:
        _unreachable(monkeypatch, app, f"ldap://127.0.0.1:{silent.getsockname()[1]}", 5)
        started = time.monotonic()
        response = _login(client, "lina", LDAP_PASSWORD)
        elapsed = time.monotonic() - started
    finally:
        silent.close()
    assert response.status_code == 503 and elapsed <= 6.0, elapsed


def test_emergency_admin_works_with_the_directory_down_and_never_reaches_it(
    ldap_mode, app, client, db_session, monkeypatch
):
    from app.extensions import appbuilder, db
    from app.security.roles import SECURITY_ADMIN

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.2)
    connections = []

    def watch():
        end = time.monotonic() + 3
        while time.monotonic() < end:
            try:
                conn, _addr = listener.accept()
                connections.append(conn)
            except OSError:
                pass

    with app.app_context():
        if not appbuilder.sm.find_user(username="sysadmin"):
            appbuilder.sm.add_user(
                "sysadmin",
                "应急",
                "管理员",
                "sysadmin@college.edu.cn",
                appbuilder.sm.find_role(SECURITY_ADMIN),
                password="Emerg#2026pw",
            )
            # As after its first login's forced change (tests/test_accounts.py covers that).
            appbuilder.sm.find_user(username="sysadmin").password_changed_at = utcnow()
            db.session.commit()
    _unreachable(monkeypatch, app, f"ldap://127.0.0.1:{listener.getsockname()[1]}", 1)
    watcher = threading.Thread(target=watch)
    watcher.start()
    response = _login(client, "sysadmin", "Emerg#2026pw")
    response = pass_second_factor(app, client, response, "sysadmin")  # enrols at first login
    watcher.join()
    listener.close()
    assert response.status_code in (200, 302)
    assert connections == [], "the local administrator's password went to the directory"
    assert client.get("/users/list/").status_code == 200


def test_signature_password_is_checked_against_the_directory(ldap_mode, app, client, db_session):
    from app.services.review import workflow
    from app.services.trail.signature import SignatureRefusedError

    f.training_record(db_session, username="lina", display_name="李娜")
    db_session.commit()
    assert _login(client, "lina", LDAP_PASSWORD).status_code == 302
    reviewer = _user(db_session, "lina")
    item = f.complete_item(db_session, code="SI-LDAP-SIGN")
    workflow.submit(db_session, item, f.user(db_session, "contact"))
    with pytest.raises(SignatureRefusedError):
        workflow.approve(db_session, item, reviewer, "wrong-password")
    workflow.approve(db_session, item, reviewer, LDAP_PASSWORD)
    db_session.commit()
    assert item.status == "approved"


_FROM_ENVIRONMENT = """
import json, sys, warnings
warnings.simplefilter("always")
with warnings.catch_warnings(record=True) as caught:
    from app import create_app
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})  # reads config.py
with app.app_context():
    from app.security import ldap_auth
    user = ldap_auth.authenticate(sys.argv[1], sys.argv[2])
    print(json.dumps({
        "server": app.config["AUTH_LDAP_SERVER"],
        "department": user.department_code,
        "roles": ldap_auth.roles_for(user.groups),
        "warnings": sorted({str(w.message) for w in caught if w.category is FutureWarning}),
    }, ensure_ascii=False))
"""


def _console_from_environment(env, username):
    """A console process configured only by `env`, checking `username` against the directory."""
    import json
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    result = subprocess.run(
        [sys.executable, "-c", _FROM_ENVIRONMENT, username, LDAP_PASSWORD],
        cwd=ROOT,
        env={**{k: v for k, v in os.environ.items() if "LDAP" not in k}, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_fab_ldap_names_in_the_environment_reach_the_directory(directory):
    """AUTH_LDAP_SERVER, AUTH_LDAP_SEARCH, AUTH_LDAP_BIND_USER/PASSWORD, AUTH_LDAP_UID_FIELD,
    AUTH_ROLES_MAPPING (FAB's names) plus LDAP_GROUP_BASE configure a console that finds the
    user, checks the password and maps the groups, with no deprecation warning."""
    from devtools.slapd import env_for
    from tests.ldap_fixtures import GROUP_ROLES

    env = env_for(directory, GROUP_ROLES)
    assert {"AUTH_LDAP_SERVER", "AUTH_LDAP_BIND_USER", "AUTH_ROLES_MAPPING"} <= set(env)
    seen = _console_from_environment(env, "lina")
    assert seen["server"] == directory.url
    assert seen["department"] == "T02" and seen["roles"] == ["审核员"]
    assert seen["warnings"] == []


def test_earlier_ldap_names_still_work_with_a_deprecation_warning(directory):
    from devtools.slapd import env_for
    from tests.ldap_fixtures import GROUP_ROLES

    renamed = {
        "AUTH_LDAP_SERVER": "LDAP_URL",
        "AUTH_LDAP_SEARCH": "LDAP_SEARCH_BASE",
        "AUTH_LDAP_BIND_USER": "LDAP_BIND_DN",
        "AUTH_LDAP_BIND_PASSWORD": "LDAP_BIND_PASSWORD",
        "AUTH_ROLES_MAPPING": "LDAP_GROUP_ROLES",
    }
    env = {renamed.get(key, key): value for key, value in env_for(directory, GROUP_ROLES).items()}
    seen = _console_from_environment(env, "zhangwei")
    assert seen["server"] == directory.url and seen["department"] == "T01"
    assert sorted(seen["roles"]) == sorted(["部门联系人", "校领导"])
    assert seen["warnings"] == sorted(
        f"environment variable {old} is deprecated: set {new} instead"
        for new, old in renamed.items()
    )
