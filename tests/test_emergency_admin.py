"""The local emergency administrator (SECURITY-NOTES T11; ASVS 6.3.2, 等保 8.1.4.2 b): no
guessable name whichever way it is made, trusted networks only (refused elsewhere like a wrong
password, audited), every use announced to the security administrators by mail (a real local
SMTP server) and on their home page, and the password policy of every local account."""

import email
import email.policy
import json
import re
from datetime import datetime, timedelta

import pyotp
import pytest
from flask_appbuilder.cli import fab
from werkzeug.middleware.proxy_fix import ProxyFix

from app.models import AuditEntry, ConsoleUser, LoginThrottle, PasswordHistory, RecoveryCode
from app.models.base import utcnow
from app.services.access import emergency
from tests.conftest import flask_cli
from tests.factories import PASSWORD
from tests.helpers import form_errors, fresh_totp
from tests.test_board import smtp_server  # noqa: F401  a real aiosmtpd server, the app set to it

NAME = "t_emerg"
OUTSIDE, CAMPUS = "203.0.113.9", "10.20.30.40"
AGENT = "Mozilla/5.0 (X11; Linux x86_64) EmergencyDrill/1.0"
STRONG = "Emerg#Drill2026"


def _user(db_session, username):
    db_session.expire_all()
    return db_session.query(ConsoleUser).filter_by(username=username).one_or_none()


def _remove(db_session, username):
    db_session.rollback()
    user = _user(db_session, username)
    if user is not None:
        db_session.query(PasswordHistory).filter_by(user_id=user.id).delete()
        db_session.query(RecoveryCode).filter_by(user_id=user.id).delete()
        db_session.delete(user)
    db_session.query(LoginThrottle).delete()
    db_session.commit()


@pytest.fixture
def emergency_admin(app, db_session, monkeypatch):
    """`t_emerg`, named in LOCAL_ADMIN_USERS, made as `flask fab create-admin` makes it (the
    security administrator's role), its password already changed and its authenticator
    enrolled."""
    from app.extensions import appbuilder
    from app.security.roles import SECURITY_ADMIN

    monkeypatch.setitem(app.config, "LOCAL_ADMIN_USERS", [NAME])
    user = appbuilder.sm.add_user(
        NAME, "应急", "管理员", f"{NAME}@example.edu.cn",
        appbuilder.sm.find_role(SECURITY_ADMIN), password=PASSWORD,
    )  # fmt: skip
    user.password_changed_at = utcnow()
    user.totp_secret = pyotp.random_base32()
    user.totp_enrolled_at = utcnow()
    db_session.commit()
    yield user
    _remove(db_session, NAME)


def _login(client, password=PASSWORD, ip=CAMPUS, username=NAME, **headers):
    return client.post(
        "/login/",
        data={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": ip},
        headers={"User-Agent": AGENT, **headers},
    )


def _second_step(app, client, ip=CAMPUS):
    return client.post(
        "/login/second-factor/",
        data={"code": fresh_totp(app, NAME)},
        environ_base={"REMOTE_ADDR": ip},
        headers={"User-Agent": AGENT},
    )


def _last(db_session, action):
    db_session.expire_all()
    return (
        db_session.query(AuditEntry)
        .filter_by(action=action)
        .order_by(AuditEntry.seq.desc())
        .first()
    )


def _alerts(smtp_server):  # noqa: F811
    found = []
    for envelope in smtp_server.envelopes:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        if "应急管理员" in message["Subject"]:
            found.append((envelope.rcpt_tos, message))
    return found


# --- a name nobody guesses -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["admin", "Administrator", "root"])
def test_create_admin_refuses_a_guessable_name(app, db_session, name):
    result = app.test_cli_runner().invoke(
        fab,
        ["create-admin", "--username", name, "--firstname", "应急", "--lastname", "管理员",
         "--email", f"{name.lower()}@example.edu.cn", "--password", STRONG],
    )  # fmt: skip
    assert result.exit_code != 0
    assert f"账号名“{name}”是常见的默认管理员账号名" in result.output
    assert _user(db_session, name) is None


def test_the_user_screen_refuses_a_guessable_name(app, client_as, db_session):
    from app.extensions import appbuilder
    from app.security.roles import LEADER

    form = {
        "first_name": "超级", "last_name": "用户", "username": "root", "active": "y",
        "email": "root@example.edu.cn", "password": STRONG, "conf_password": STRONG,
        "roles": [str(appbuilder.sm.find_role(LEADER).id)],
    }  # fmt: skip
    response = client_as("security").post("/users/add", data=form, follow_redirects=True)
    assert any("默认管理员账号名" in text for text in form_errors(response)), form_errors(response)
    assert _user(db_session, "root") is None


def test_the_console_does_not_start_with_a_guessable_emergency_name(empty_database_url):
    """Whatever command is run (here `flask fab create-admin`), the start-up check comes first."""
    args = ("fab", "create-admin", "--username", "sysadmin", "--firstname", "应急",
            "--lastname", "管理员", "--email", "sysadmin@example.edu.cn",
            "--password", STRONG)  # fmt: skip
    result = flask_cli(
        *args, url=empty_database_url, check=False, env={"LOCAL_ADMIN_USERS": "sysadmin,ROOT"}
    )
    assert result.returncode != 0
    assert "LOCAL_ADMIN_USERS 设置有误" in result.stderr and "“ROOT”" in result.stderr
    result = flask_cli(
        *args,
        url=empty_database_url,
        check=False,
        env={"LOCAL_ADMIN_NETWORKS": "10.0.0.0/8,校园网"},
    )
    assert result.returncode != 0 and "LOCAL_ADMIN_NETWORKS 设置有误" in result.stderr


@pytest.mark.parametrize("weak", ["123", "abcdefgh", "abcd1234", "Abcdefghij"])
def test_the_emergency_account_gets_no_weak_password(app, db_session, weak):
    """T12's policy for the emergency account itself: short, or fewer than three classes."""
    assert "sysadmin" in app.config["LOCAL_ADMIN_USERS"]
    result = app.test_cli_runner().invoke(
        fab,
        ["create-admin", "--username", "sysadmin", "--firstname", "应急", "--lastname", "管理员",
         "--email", "sysadmin-weak@example.edu.cn", "--password", weak],
    )  # fmt: skip
    assert result.exit_code != 0 and "密码不符合要求" in result.output
    assert (
        db_session.query(ConsoleUser).filter_by(email="sysadmin-weak@example.edu.cn").count() == 0
    )


# --- trusted networks only -----------------------------------------------------------------


def test_trusted_networks_default_to_loopback_and_private_ranges(app):
    with app.app_context():
        trusted = ["127.0.0.1", "::1", "10.1.2.3", "172.16.0.1", "172.31.255.254",
                   "192.168.1.20", "::ffff:192.168.1.20"]  # fmt: skip
        outside = [OUTSIDE, "172.32.0.1", "100.64.0.1", "8.8.8.8", "2001:db8::1", "", None, "x"]
        assert all(emergency.from_trusted_network(ip) for ip in trusted)
        assert not any(emergency.from_trusted_network(ip) for ip in outside)


def test_from_outside_the_right_password_is_refused_like_a_wrong_one(
    app,
    db_session,
    emergency_admin,
    smtp_server,  # noqa: F811
):
    right, wrong = _login(app.test_client(), ip=OUTSIDE), _login(app.test_client(), "x", OUTSIDE)
    assert right.status_code == wrong.status_code == 401
    assert form_errors(right) == form_errors(wrong) == ["用户名或密码错误。"]
    entries = (
        db_session.query(AuditEntry)
        .filter_by(action="login_failed", username=NAME)
        .order_by(AuditEntry.seq.desc())
        .limit(2)
        .all()
    )
    assert [e.ip for e in entries] == [OUTSIDE, OUTSIDE]
    assert "wrong password" in entries[0].changes
    assert "emergency admin outside trusted networks" in entries[1].changes
    assert _last(db_session, "login").username != NAME
    assert _alerts(smtp_server) == []
    # A forged X-Forwarded-For changes nothing while no proxy is trusted (PROXY_COUNT=0).
    response = _login(app.test_client(), ip=OUTSIDE, **{"X-Forwarded-For": CAMPUS})
    assert response.status_code == 401


def test_the_rest_login_keeps_the_network_rule(app, db_session, emergency_admin, monkeypatch):
    monkeypatch.setitem(app.config, "API_LOGIN_ENABLED", True)
    payload = {"username": NAME, "password": PASSWORD, "otp": fresh_totp(app, NAME)}
    client = app.test_client()
    response = client.post(
        "/api/v1/security/login", json=payload, environ_base={"REMOTE_ADDR": OUTSIDE}
    )
    assert response.status_code == 401 and response.json["message"] == "用户名或密码错误。"
    payload["otp"] = fresh_totp(app, NAME)
    response = client.post(
        "/api/v1/security/login", json=payload, environ_base={"REMOTE_ADDR": CAMPUS}
    )
    assert response.status_code == 200 and response.json["access_token"]


def test_behind_a_trusted_proxy_the_forwarded_client_address_decides(
    app, db_session, emergency_admin, monkeypatch
):
    """PROXY_COUNT=1 (ProxyFix, as create_app installs it): the proxy's own private address
    does not make an outside client trusted."""
    monkeypatch.setattr(app, "wsgi_app", ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1))
    proxy = "10.0.0.1"
    response = _login(app.test_client(), ip=proxy, **{"X-Forwarded-For": OUTSIDE})
    assert response.status_code == 401
    entry = _last(db_session, "login_failed")
    assert entry.ip == OUTSIDE and "outside trusted networks" in entry.changes
    client = app.test_client()
    response = _login(client, ip=proxy, **{"X-Forwarded-For": "192.168.8.8"})
    assert response.headers["Location"].endswith("/login/second-factor/")


def test_a_configured_network_admits_and_the_rest_refuse(
    app, db_session, emergency_admin, monkeypatch
):
    monkeypatch.setitem(app.config, "LOCAL_ADMIN_NETWORKS", "203.0.113.0/28")
    assert _login(app.test_client(), ip=OUTSIDE).headers["Location"].endswith("/second-factor/")
    assert _login(app.test_client(), ip=CAMPUS).status_code == 401


# --- each use announced --------------------------------------------------------------------


def test_each_login_alerts_every_security_admin_by_mail_audit_and_home_page(
    app,
    client_as,
    db_session,
    emergency_admin,
    smtp_server,  # noqa: F811
):
    client = app.test_client()
    response = _login(client)
    assert response.headers["Location"].endswith("/login/second-factor/")
    assert _alerts(smtp_server) == [], "nothing is announced before the second factor"
    assert _second_step(app, client).status_code == 302
    entry = _last(db_session, "emergency")
    assert (entry.username, entry.ip) == (NAME, CAMPUS)
    assert entry.at > utcnow() - timedelta(minutes=1)
    changes = json.loads(entry.changes)
    # Every active security administrator with an address: the suite's own two, and whoever
    # earlier tests made (users outlive a test).
    expected = sorted(
        a.email
        for a in emergency.security_admins(db_session)
        if a.email and not a.email.endswith(".invalid")
    )
    assert {f"{NAME}@example.edu.cn", "t_security@example.edu.cn"} <= set(expected)
    assert changes["user_agent"][1] == AGENT and changes["mail"][1] == f"sent to {len(expected)}"
    beijing = (entry.at + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")
    alerts = _alerts(smtp_server)
    assert sorted(to for rcpt, _m in alerts for to in rcpt) == expected
    for _rcpt, message in alerts:
        body = message.get_content()
        assert NAME in message["Subject"]
        assert CAMPUS in body and AGENT in body and "北京时间" in body
        # The mail is written just before the audit row: the same moment, give or take a minute
        # boundary between the two.
        said = datetime.strptime(
            re.search(r"时间：(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)", body).group(1), "%Y-%m-%d %H:%M:%S"
        )
        assert abs(said - (entry.at + timedelta(hours=8))) < timedelta(seconds=30)
    home = client_as("security").get("/").text
    assert "home-emergency-uses" in home
    assert CAMPUS in home and AGENT in home and beijing in home and "时间（北京时间）" in home
    assert "home-emergency" not in client_as("admin").get("/").text, "the security admin only"
    # The next use: another mail to each, another row.
    second = app.test_client()
    _login(second, ip="127.0.0.1")
    assert _second_step(app, second, ip="127.0.0.1").status_code == 302
    assert len(_alerts(smtp_server)) == 2 * len(expected)
    assert _last(db_session, "emergency").seq > entry.seq


def test_other_logins_alert_nobody(app, client_as, db_session, smtp_server):  # noqa: F811
    before = _last(db_session, "emergency")
    client_as("security")
    client_as("leader")
    assert _alerts(smtp_server) == []
    after = _last(db_session, "emergency")
    assert (before and before.seq) == (after and after.seq)


def test_without_smtp_the_use_is_still_audited_and_shown(
    app, client_as, db_session, emergency_admin
):
    client = app.test_client()
    _login(client, ip="192.168.3.4")
    assert _second_step(app, client, ip="192.168.3.4").status_code == 302
    entry = _last(db_session, "emergency")
    assert entry.ip == "192.168.3.4" and "not configured" in entry.changes
    assert "192.168.3.4" in client_as("security").get("/").text
