"""Two factors for the administrators (issue 14, item 4; 等保 8.1.4.1 d): TOTP codes computed
by pyotp from the secret the console stored, enrolment at the first login with a server-drawn
QR code, one-time recovery codes, no replay, refused codes toward the lockout, the security
administrator's reset, and every login path (form, REST, LDAP, the emergency administrator)."""

import re
import time

import pyotp
import pytest

from app.models import AuditEntry, ConsoleUser, LoginThrottle, RecoveryCode
from app.models.base import utcnow
from app.security.roles import IT_ADMIN, LEADER
from tests.factories import PASSWORD
from tests.helpers import fresh_totp
from tests.ldap_fixtures import LDAP_PASSWORD

SECOND = "/login/second-factor/"


def _password(client, username, password=PASSWORD):
    return client.post("/login/", data={"username": username, "password": password})


def _code(client, code):
    return client.post(SECOND, data={"code": code})


def _user(db_session, username):
    db_session.expire_all()
    return db_session.query(ConsoleUser).filter_by(username=username).one()


@pytest.fixture(autouse=True)
def _forget_failures(db_session):
    yield
    db_session.rollback()
    db_session.query(LoginThrottle).delete()
    db_session.commit()


@pytest.fixture
def new_admin(app, db_session):
    """A system administrator who has never logged in (not enrolled); removed afterwards."""
    from app.extensions import appbuilder

    with app.app_context():
        user = appbuilder.sm.add_user(
            "t_newadmin", "新", "管理员", "t_newadmin@example.edu.cn",
            appbuilder.sm.find_role(IT_ADMIN), password=PASSWORD,
        )  # fmt: skip
        user.password_changed_at = utcnow()
        appbuilder.sm.session.commit()
    yield "t_newadmin"
    db_session.rollback()
    user = _user(db_session, "t_newadmin")
    db_session.query(RecoveryCode).filter_by(user_id=user.id).delete()
    db_session.delete(user)
    db_session.commit()


def _enrol(app, client, username):
    """First login: the page with the QR code, then the first code; returns the codes page."""
    assert _password(client, username).headers["Location"].endswith(SECOND)
    return _code(client, fresh_totp(app, username))


def test_an_administrator_needs_the_code_after_the_password(app, db_session):
    """The password alone opens nothing: the second-factor page comes first, a wrong code is
    refused, the code pyotp computes from the stored secret logs in."""
    client = app.test_client()
    response = _password(client, "t_admin")
    assert response.status_code == 302 and response.headers["Location"].endswith(SECOND)
    assert "/login/" in client.get("/departmentview/list/").headers["Location"]
    page = client.get(SECOND)
    assert page.status_code == 200 and "6 位动态验证码" in page.text and "<svg" not in page.text
    wrong = _code(client, "000000" if fresh_totp(app, "t_admin") != "000000" else "111111")
    assert wrong.status_code == 401 and "动态验证码错误" in wrong.text
    assert _code(client, fresh_totp(app, "t_admin")).status_code == 302
    assert client.get("/departmentview/list/").status_code == 200
    entry = db_session.query(AuditEntry).order_by(AuditEntry.seq.desc()).first()
    assert (entry.action, entry.username) == ("login", "t_admin") and "totp" in entry.changes


def test_other_roles_log_in_with_the_password_alone(app):
    response = _password(app.test_client(), "t_reviewer")
    assert response.status_code == 302 and not response.headers["Location"].endswith(SECOND)


def test_a_code_cannot_be_used_twice_in_its_window(app, db_session):
    first = app.test_client()
    _password(first, "t_auditor")
    code = fresh_totp(app, "t_auditor")
    assert _code(first, code).status_code == 302
    second = app.test_client()
    _password(second, "t_auditor")
    replay = _code(second, code)  # same 30 s window, same digits
    assert replay.status_code == 401 and "已使用" in replay.text
    assert _user(db_session, "t_auditor").totp_last_step >= int(time.time() // 30) - 1


def test_refused_codes_count_toward_the_lockout(app, db_session):
    """Five wrong codes lock the account for that address like five wrong passwords; then
    even the right code is refused."""
    client = app.test_client()
    _password(client, "t_security")
    right = fresh_totp(app, "t_security")
    wrong = f"{(int(right) + 1) % 1000000:06d}"
    statuses = [_code(client, wrong).status_code for _n in range(4)]
    assert statuses == [401] * 4
    fifth = _code(client, wrong)  # locked: back to the login page, the second step is over
    assert fifth.status_code == 302 and fifth.headers["Location"].endswith("/login/")
    row = db_session.query(LoginThrottle).filter_by(username="t_security").one()
    assert row.failures == 5 and row.locked_until is not None
    assert _code(client, right).headers["Location"].endswith("/login/")
    again = app.test_client()
    assert "锁定" in _password(again, "t_security").text


def test_first_login_enrols_with_a_qr_code_and_shows_recovery_codes_once(
    app, db_session, new_admin
):
    client = app.test_client()
    assert _password(client, new_admin).headers["Location"].endswith(SECOND)
    # Nothing else is reachable before the enrolment is confirmed.
    for path in ("/", "/departmentview/list/", "/login/recovery-codes/"):
        response = client.get(path)
        assert response.status_code in (200, 302) and "home-office" not in response.text
    page = client.get(SECOND).text
    svg = re.search(r"<svg.*?</svg>", page, re.S).group(0)  # drawn by segno, inline
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    secret = _user(db_session, new_admin).totp_secret
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in page
    assert _user(db_session, new_admin).totp_enrolled_at is None
    done = _code(client, pyotp.TOTP(secret).now())
    assert done.status_code == 200 and "只显示这一次" in done.text
    codes = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", done.text)
    assert len(codes) == 10 and len(set(codes)) == 10
    user = _user(db_session, new_admin)
    assert user.totp_enrolled_at is not None
    stored = [r.code_hash for r in db_session.query(RecoveryCode).filter_by(user_id=user.id)]
    assert len(stored) == 10 and not set(codes) & set(stored)  # hashed at rest
    assert not any(c.replace("-", "") in h for c in codes for h in stored)
    assert client.get("/departmentview/list/").status_code == 200


def test_a_recovery_code_works_once_and_new_ones_replace_it(app, db_session, new_admin):
    client = app.test_client()
    codes = re.findall(
        r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", _enrol(app, client, new_admin).text
    )
    other = app.test_client()
    _password(other, new_admin)
    assert _code(other, codes[0].upper()).status_code == 302  # case and dash do not matter
    third = app.test_client()
    _password(third, new_admin)
    assert _code(third, codes[0]).status_code == 401  # used up
    assert "/login/recovery-codes/" in other.get("/").text  # in the user's navbar menu
    page = other.get("/login/recovery-codes/")
    assert page.status_code == 200 and "剩余可用的恢复码：9 个" in page.text
    fresh = other.post("/login/recovery-codes/", data={"code": fresh_totp(app, new_admin)})
    new_codes = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", fresh.text)
    assert len(new_codes) == 10 and not set(new_codes) & set(codes)
    fourth = app.test_client()
    _password(fourth, new_admin)
    assert _code(fourth, codes[1]).status_code == 401  # the old ones are gone
    assert _code(fourth, new_codes[1]).status_code == 302


def test_the_security_administrator_resets_a_second_factor_audited(
    app, db_session, client_as, new_admin
):
    enrolled = app.test_client()
    _enrol(app, enrolled, new_admin)
    user = _user(db_session, new_admin)
    data = {"action": "reset_second_factor", "rowid": [str(user.id)]}
    client_as("admin").post("/users/action_post", data=data)  # 三权分立: not the system admin's
    assert _user(db_session, new_admin).totp_enrolled_at is not None
    assert client_as("security").post("/users/action_post", data=data).status_code == 302
    user = _user(db_session, new_admin)
    assert user.totp_secret is None and user.totp_enrolled_at is None
    assert db_session.query(RecoveryCode).filter_by(user_id=user.id).count() == 0
    assert "/login/" in enrolled.get("/departmentview/list/").headers["Location"]  # sessions end
    entry = (
        db_session.query(AuditEntry)
        .filter(AuditEntry.changes.like("%second_factor_reset%"))
        .order_by(AuditEntry.seq.desc())
        .first()
    )
    assert entry.username == "t_security" and new_admin in entry.changes
    again = app.test_client()
    _password(again, new_admin)
    assert "<svg" in again.get(SECOND).text  # enrols again


def test_the_rest_login_asks_for_the_code_too(app, db_session, monkeypatch):
    monkeypatch.setitem(app.config, "API_LOGIN_ENABLED", True)
    client = app.test_client()
    url = "/api/v1/security/login"
    body = {"username": "t_admin", "password": PASSWORD, "provider": "db"}
    alone = client.post(url, json=body)
    assert alone.status_code == 401 and "otp" in alone.get_json()["message"]
    wrong = client.post(url, json={**body, "otp": "12345x"})
    assert wrong.status_code == 401
    assert db_session.query(LoginThrottle).filter_by(username="t_admin").one().failures == 1
    right = client.post(url, json={**body, "otp": fresh_totp(app, "t_admin")})
    assert right.status_code == 200 and right.get_json()["access_token"]


def test_the_emergency_administrator_needs_the_second_factor(app, db_session, monkeypatch):
    """LOCAL_ADMIN_USERS need it whatever their role (here one that otherwise does not)."""
    monkeypatch.setitem(app.config, "LOCAL_ADMIN_USERS", ["t_leader"])
    client = app.test_client()
    try:
        assert _password(client, "t_leader").headers["Location"].endswith(SECOND)
        assert "<svg" in client.get(SECOND).text  # not enrolled yet: enrols now
        assert _code(client, fresh_totp(app, "t_leader")).status_code == 200
        user = _user(db_session, "t_leader")
        assert {r.name for r in user.roles} == {LEADER} and user.totp_enrolled_at is not None
    finally:
        _forget_second_factor(db_session, "t_leader")  # the fixture leader logs in as before


def test_directory_administrators_need_the_second_factor(ldap_mode, app, db_session):
    """An LDAP login of the system administrator's group: the directory's password, then the
    enrolment, then the console."""
    client = app.test_client()
    _forget_second_factor(db_session, "wangqiang")  # the browser suite may have enrolled him
    try:
        response = _password(client, "wangqiang", LDAP_PASSWORD)
        assert response.headers["Location"].endswith(SECOND)
        assert "<svg" in client.get(SECOND).text
        assert _code(client, fresh_totp(app, "wangqiang")).status_code == 200
        assert client.get("/departmentview/list/").status_code == 200
    finally:
        _forget_second_factor(db_session, "wangqiang")


def _forget_second_factor(db_session, username):
    db_session.rollback()
    user = db_session.query(ConsoleUser).filter_by(username=username).one_or_none()
    if user is None:
        return
    db_session.query(RecoveryCode).filter_by(user_id=user.id).delete()
    user.totp_secret = user.totp_enrolled_at = user.totp_last_step = None
    db_session.commit()
