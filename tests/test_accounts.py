"""Local accounts: the password policy whichever command creates them, the forced change, a
password change that ends the other sessions and refuses the last five, local accounts in
directory mode, and the REST login going through the same lockout, limit and audit."""

import itertools
from datetime import timedelta

import pytest
from flask_appbuilder.cli import fab
from werkzeug.security import check_password_hash

from app.models import AuditEntry, ConsoleUser, LoginThrottle, PasswordHistory
from app.models.base import utcnow
from app.services.errors import PasswordRejected
from tests.conftest import login, reset_limits
from tests.factories import PASSWORD
from tests.helpers import pass_second_factor
from tests.ldap_fixtures import LDAP_PASSWORD

NEW = "Neu#Pass2026"
API_LOGIN = "/api/v1/security/login"


def _login(client, username, password=PASSWORD):
    return client.post("/login/", data={"username": username, "password": password})


def _user(db_session, username):
    db_session.expire_all()
    return db_session.query(ConsoleUser).filter_by(username=username).one_or_none()


@pytest.fixture
def account(app, db_session):
    """A local account of its own (password PASSWORD, already changed by its owner), removed
    afterwards with its history, throttle and lock."""
    from app.extensions import appbuilder
    from app.security.roles import LEADER

    made = []

    def make(username="t_own", changed=True):
        user = appbuilder.sm.add_user(
            username, username, "测试", f"{username}@example.edu.cn",
            appbuilder.sm.find_role(LEADER), password=PASSWORD,
        )  # fmt: skip
        user.password_changed_at = utcnow() if changed else None
        db_session.commit()
        made.append(username)
        return user

    yield make
    db_session.rollback()
    for name in made:
        user = _user(db_session, name)
        if user is not None:
            db_session.query(PasswordHistory).filter_by(user_id=user.id).delete()
            db_session.delete(user)
    db_session.query(LoginThrottle).delete()
    db_session.commit()


def _cli(app, *args):
    return app.test_cli_runner().invoke(fab, list(args))


# --- item 3: every local account meets the policy, the forced change cannot be skipped ---------


@pytest.mark.parametrize(
    "command",
    [
        ["create-admin", "--username", "weakadm", "--firstname", "a", "--lastname", "b"],
        ["create-user", "--role", "校领导", "--username", "weakadm", "--firstname", "a"],
    ],
)
def test_cli_refuses_a_weak_password_for_a_new_account(app, db_session, command):
    extra = ["--lastname", "b"] if command[0] == "create-user" else []
    result = _cli(app, *command, *extra, "--email", "weakadm@example.edu.cn", "--password", "123")
    assert result.exit_code != 0
    assert "密码不符合要求" in result.output and "至少 8 个字符" in result.output
    assert _user(db_session, "weakadm") is None


def test_cli_reset_password_keeps_the_policy_and_history(app, db_session, account):
    account("t_cli")
    assert _cli(app, "reset-password", "--username", "t_cli", "--password", "123").exit_code != 0
    result = _cli(app, "reset-password", "--username", "t_cli", "--password", PASSWORD)
    assert result.exit_code != 0 and "最近 5 次" in result.output
    assert check_password_hash(_user(db_session, "t_cli").password, PASSWORD)
    assert _cli(app, "reset-password", "--username", "t_cli", "--password", NEW).exit_code == 0
    user = _user(db_session, "t_cli")
    assert check_password_hash(user.password, NEW) and user.password_changed_at is None


def test_security_manager_refuses_weak_passwords(app, db_session, account):
    from app.extensions import appbuilder

    with app.test_request_context():
        with pytest.raises(PasswordRejected):
            appbuilder.sm.add_user("weakadm", "a", "b", "weakadm@example.edu.cn", password="123")
        user = account("t_sm")
        with pytest.raises(PasswordRejected):
            appbuilder.sm.reset_password(user.id, "abcdefgh")
    assert _user(db_session, "weakadm") is None


def test_new_emergency_admin_must_change_its_password_first(app, db_session, account):
    result = _cli(
        app, "create-admin", "--username", "t_emerg", "--firstname", "应急", "--lastname",
        "管理员", "--email", "t_emerg@example.edu.cn", "--password", PASSWORD,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    client = app.test_client()
    try:
        # The security administrator enrols its second factor first (tests/test_second_factor.py),
        # then the recovery codes page leads on to the password change.
        response = pass_second_factor(app, client, _login(client, "t_emerg"), "t_emerg")
        assert response.status_code == 200 and "/resetmypassword/" in response.text
        for page in ("/users/list/", "/", "/serviceitemview/list/"):
            response = client.get(page)
            assert response.status_code == 302, page
            assert "/resetmypassword/" in response.headers["Location"], page
        _change(client, PASSWORD, NEW)
        assert client.get("/users/list/").status_code == 200
    finally:
        user = _user(db_session, "t_emerg")
        db_session.query(PasswordHistory).filter_by(user_id=user.id).delete()
        db_session.delete(user)
        db_session.commit()


def test_max_age_zero_ends_the_periodic_change_only(app, db_session, account, monkeypatch):
    monkeypatch.setitem(app.config, "PASSWORD_MAX_AGE_DAYS", 0)
    old = account("t_old")
    old.password_changed_at = utcnow() - timedelta(days=1000)
    db_session.commit()
    response = _login(app.test_client(), "t_old")
    assert response.status_code == 302 and "resetmypassword" not in response.headers["Location"]
    account("t_fresh", changed=False)  # created by someone else: change at first login
    response = _login(app.test_client(), "t_fresh")
    assert "/resetmypassword/" in response.headers["Location"]


def test_user_form_keeps_the_policy_and_hashes_the_password(client_as, db_session):
    from app.extensions import appbuilder
    from app.security.roles import LEADER

    admin = client_as("security")
    form = {
        "first_name": "新", "last_name": "用户", "username": "t_formuser", "active": "y",
        "email": "t_formuser@example.edu.cn", "password": "abcdefgh",
        "conf_password": "abcdefgh",
        "roles": [str(appbuilder.sm.find_role(LEADER).id)],
    }  # fmt: skip
    response = admin.post("/users/add", data=form)
    assert response.status_code == 200 and _user(db_session, "t_formuser") is None
    admin.post("/users/add", data={**form, "password": NEW, "conf_password": NEW})
    user = _user(db_session, "t_formuser")
    try:
        assert user is not None and user.password.startswith("scrypt:")
        assert user.password_changed_at is None
    finally:
        db_session.delete(user)
        db_session.commit()


def test_directory_mode_refuses_other_local_accounts(ldap_mode, app, db_session, monkeypatch):
    response = _login(app.test_client(), "t_leader")
    assert response.status_code == 401 and "本地账号不能在统一身份认证模式下登录" in response.text
    entry = db_session.query(AuditEntry).order_by(AuditEntry.seq.desc()).first()
    assert (entry.action, entry.username) == ("login_failed", "t_leader")
    assert "local account in directory mode" in entry.changes
    response = _login(app.test_client(), "t_leader", "wrong")
    assert response.status_code == 401 and "用户名或密码错误" in response.text
    monkeypatch.setitem(app.config, "LOCAL_ADMIN_USERS", ["t_security"])
    assert _login(app.test_client(), "t_security").status_code == 302
    assert _login(app.test_client(), "zhangwei", LDAP_PASSWORD).status_code == 302
    db_session.query(LoginThrottle).delete()
    db_session.commit()


# --- item 2: a change asks for the current password, ends other sessions, no reuse of five -----


def _change(client, current, new):
    return client.post(
        "/resetmypassword/form",
        data={"current_password": current, "password": new, "conf_password": new},
    )


def test_change_needs_the_current_password_and_ends_other_sessions(app, db_session, account):
    """Each login already ends the user's earlier sessions (a fresh nonce), so the other
    session is a second client holding a copy of the cookie (another browser, a thief)."""
    account("t_own")
    here = login(app.test_client(), "t_own")
    elsewhere = app.test_client()
    elsewhere.set_cookie("session", here.get_cookie("session").value)
    assert elsewhere.get("/serviceitemview/list/").status_code == 200
    _change(here, "wrong", NEW)
    assert "当前密码不正确" in here.get("/resetmypassword/form").text
    assert check_password_hash(_user(db_session, "t_own").password, PASSWORD)
    assert elsewhere.get("/serviceitemview/list/").status_code == 200
    assert _change(here, PASSWORD, NEW).status_code == 302
    assert here.get("/serviceitemview/list/").status_code == 200, "this session goes on"
    response = elsewhere.get("/serviceitemview/list/")
    assert response.status_code == 302 and "/login/" in response.headers["Location"]
    assert _login(app.test_client(), "t_own", NEW).status_code == 302
    assert _login(app.test_client(), "t_own", PASSWORD).status_code == 401


def test_the_last_five_passwords_cannot_be_reused(app, db_session, account):
    account("t_own")
    client = login(app.test_client(), "t_own")
    used = [PASSWORD] + [f"Pass#{n}word26" for n in range(1, 5)]
    for before, after in itertools.pairwise(used):
        assert _change(client, before, after).status_code == 302
    assert check_password_hash(_user(db_session, "t_own").password, used[-1])
    for old in used:
        _change(client, used[-1], old)
        page = client.get("/resetmypassword/form").text
        assert "新密码不能与最近 5 次使用过的密码相同" in page, old
        assert check_password_hash(_user(db_session, "t_own").password, used[-1])
    assert _change(client, used[-1], NEW).status_code == 302
    assert _change(client, NEW, PASSWORD).status_code == 302, "six back is allowed again"
    user = _user(db_session, "t_own")
    assert db_session.query(PasswordHistory).filter_by(user_id=user.id).count() == 4


def test_security_admin_reset_ends_the_users_sessions(app, client_as, db_session, account):
    user = account("t_own")
    victim = login(app.test_client(), "t_own")
    admin = client_as("security")
    response = admin.post(
        f"/resetpassword/form?pk={user.id}", data={"password": NEW, "conf_password": NEW}
    )
    assert response.status_code == 302
    response = victim.get("/serviceitemview/list/")
    assert response.status_code == 302 and "/login/" in response.headers["Location"]
    response = _login(app.test_client(), "t_own", NEW)
    assert "/resetmypassword/" in response.headers["Location"], "a reset password is changed"
    entry = (
        db_session.query(AuditEntry)
        .filter_by(action="password")
        .order_by(AuditEntry.seq.desc())
        .first()
    )
    assert entry.username == "t_security" and entry.summary == "t_own"


# --- item 1: the REST login: off by default, else the same lockout, limit and audit ----------


def test_rest_login_is_off_unless_enabled(app, client):
    assert app.config["API_LOGIN_ENABLED"] is False
    response = client.post(API_LOGIN, json={"username": "t_leader", "password": PASSWORD})
    assert response.status_code == 404
    assert client.post("/api/v1/security/refresh").status_code == 404


@pytest.fixture
def api_on(app, monkeypatch, db_session):
    monkeypatch.setitem(app.config, "API_LOGIN_ENABLED", True)
    yield
    db_session.rollback()
    db_session.query(LoginThrottle).delete()
    db_session.commit()
    reset_limits(app)


def test_rest_login_gives_a_token(app, client, api_on):
    response = client.post(API_LOGIN, json={"username": "t_leader", "password": PASSWORD})
    assert response.status_code == 200 and response.json["access_token"]


def test_rest_login_locks_and_audits_like_the_form(app, client, db_session, api_on):
    start = db_session.query(AuditEntry).count()
    answers = [
        client.post(API_LOGIN, json={"username": "t_reviewer", "password": f"wrong{n}"})
        for n in range(30)
    ]
    assert {r.status_code for r in answers} == {401}
    # From the third failure on this address must answer the image challenge, which only the
    # login page shows: the REST login is refused without trying the password any more.
    assert [a.json["message"] for a in answers[2:4]] == [
        "用户名或密码错误。",
        "请输入图片中的验证码。",
    ]
    assert "access_token" not in answers[-1].json
    entries = db_session.query(AuditEntry).order_by(AuditEntry.seq).all()[start:]
    assert [e.username for e in entries if e.action == "login_failed"] == ["t_reviewer"] * 30
    response = client.post(API_LOGIN, json={"username": "t_reviewer", "password": PASSWORD})
    assert response.status_code == 401 and "access_token" not in response.json
    assert "验证码" in response.json["message"]
    response = _login(app.test_client(), "t_reviewer")
    assert response.status_code == 401, "the form sees the same count"
    assert "challenge-image" in response.text


def test_rest_and_form_logins_share_one_rate_limit(app, api_on, monkeypatch):
    monkeypatch.setitem(app.config, "AUTH_RATE_LIMITED", True)
    monkeypatch.setitem(app.config, "AUTH_RATE_LIMIT", "6 per 60 second")
    client = app.test_client()
    for n in range(3):
        assert _login(client, f"nobody{n}", "wrong").status_code == 401
        response = client.post(API_LOGIN, json={"username": f"nobody{n}", "password": "x"})
        assert response.status_code == 401
    assert (
        client.post(API_LOGIN, json={"username": "t_leader", "password": PASSWORD}).status_code
        == 429
    )
    assert _login(client, "t_leader").status_code == 429
