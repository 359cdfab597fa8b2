"""Lockout, password rules, sessions (idle, absolute, revocation), cookies, redirects, CSRF."""

import time
from datetime import timedelta

import pytest

from app.models import AuditEntry, ConsoleUser, LoginThrottle
from app.models.base import utcnow
from app.services.access import authentication, passwords
from tests.factories import PASSWORD


def _login(client, username, password=PASSWORD, **kwargs):
    return client.post("/login/", data={"username": username, "password": password}, **kwargs)


# Lockout per account and source, waits, the image challenge and the owner's notices:
# tests/test_lockout.py.


def test_every_attempt_is_audited_with_ip_and_reason(app, db_session):
    _login(app.test_client(), "t_leader", "wrong", environ_base={"REMOTE_ADDR": "10.9.8.7"})
    entry = db_session.query(AuditEntry).order_by(AuditEntry.seq.desc()).first()
    assert (entry.action, entry.username, entry.ip) == ("login_failed", "t_leader", "10.9.8.7")
    assert "wrong password" in entry.changes
    db_session.query(LoginThrottle).delete()
    db_session.commit()


@pytest.mark.parametrize(
    "password,ok",
    [
        ("Short1!", False),
        ("alllowercase1", False),
        ("ALLUPPER!!!", False),
        ("abcdefgh", False),
        ("Abcdefg1", True),
        ("abcdef1!", True),
        ("ABCDEF1!", True),
        ("长密码Abc123", True),
    ],
)
def test_local_password_rule(app, password, ok):
    with app.test_request_context():
        assert (passwords.problems(password) == []) is ok


def test_local_password_older_than_90_days_must_be_changed(app, db_session):
    user = db_session.query(ConsoleUser).filter_by(username="t_leader").one()
    user.password_changed_at = utcnow() - timedelta(days=91)
    db_session.commit()
    try:
        response = _login(app.test_client(), "t_leader")
        assert response.status_code == 302 and "resetmypassword" in response.headers["Location"]
    finally:
        user.password_changed_at = utcnow()
        db_session.commit()


def _set_session(client, **values):
    with client.session_transaction() as session:
        session.update(values)


def test_idle_session_ends_after_thirty_minutes(client_as):
    client = client_as("leader")
    assert client.get("/serviceitemview/list/").status_code == 200
    _set_session(client, seen_at=int(time.time()) - 31 * 60)
    response = client.get("/serviceitemview/list/")
    assert response.status_code == 302 and "/login/" in response.headers["Location"]


def test_activity_slides_the_idle_timeout(client_as):
    client = client_as("leader")
    _set_session(client, seen_at=int(time.time()) - 29 * 60)
    assert client.get("/serviceitemview/list/").status_code == 200
    with client.session_transaction() as session:
        assert int(time.time()) - session["seen_at"] < 5


def test_session_ends_after_eight_hours_whatever_the_activity(client_as):
    client = client_as("leader")
    _set_session(client, login_at=int(time.time()) - 8 * 3600 - 60)
    response = client.get("/serviceitemview/list/")
    assert response.status_code == 302 and "/login/" in response.headers["Location"]


def test_login_gives_a_new_session_and_safe_cookie_flags(app):
    client = app.test_client()
    client.get("/login/")
    before = client.get_cookie("session")
    response = _login(client, "t_leader")
    cookie = response.headers.get("Set-Cookie")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert client.get_cookie("session").value != (before.value if before else None)


def test_logout_needs_post_and_revokes_copied_cookies(app):
    client = app.test_client()
    _login(client, "t_leader")
    copied = client.get_cookie("session").value
    assert client.get("/logout/").status_code == 302
    assert client.get("/serviceitemview/list/").status_code == 200, "GET does not log out"
    assert client.post("/logout/").status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", copied)
    response = thief.get("/serviceitemview/list/")
    assert response.status_code == 302 and "/login/" in response.headers["Location"]


def test_logout_without_csrf_token_is_refused(app, monkeypatch):
    client = app.test_client()
    _login(client, "t_leader")
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert client.post("/logout/").status_code == 400
    assert client.get("/serviceitemview/list/").status_code == 200


def test_disabled_account_loses_its_session_at_once(app, db_session):
    client = app.test_client()
    _login(client, "t_reviewer")
    user = db_session.query(ConsoleUser).filter_by(username="t_reviewer").one()
    user.active = False
    db_session.commit()
    try:
        response = client.get("/serviceitemview/list/")
        assert response.status_code == 302 and "/login/" in response.headers["Location"]
    finally:
        user.active = True
        db_session.commit()
    response = client.get("/serviceitemview/list/")
    assert response.status_code == 302, "re-enabling does not revive the old session"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example.com/",
        "//evil.example.com/",
        "\\\\evil.example.com",
        "/\\evil.com",
        "https:evil.com",
        "javascript:alert(1)",
        "http://127.0.0.1@evil.com/",
    ],
)
def test_next_never_leaves_the_site(app, target):
    response = _login(app.test_client(), "t_leader", query_string={"next": target})
    assert response.status_code == 302
    from urllib.parse import urlsplit

    location = urlsplit(response.headers["Location"])
    assert location.netloc in ("", "localhost") and location.path.startswith("/")
    assert "evil" not in response.headers["Location"]


def test_spoofed_host_header_does_not_redirect_off_site(app):
    response = app.test_client().post(
        "/login/?next=https://evil.example.com/",
        data={"username": "t_leader", "password": PASSWORD},
        headers={"Host": "evil.example.com"},
    )
    assert "evil.example.com/" not in response.headers.get("Location", "").split("//", 1)[-1][16:]
    assert not response.headers.get("Location", "").startswith("https://evil")


def test_login_page_is_not_cached(client):
    assert "no-store" in client.get("/login/").headers.get("Cache-Control", "")


def test_service_refuses_without_http(app, db_session):
    """The rules hold when the service is called directly (no form in front of it)."""
    from app.extensions import appbuilder

    with app.test_request_context():
        with pytest.raises(authentication.LoginRefused):
            authentication.authenticate(db_session, appbuilder.sm, "t_leader", "")
        with pytest.raises(authentication.LoginRefused):
            authentication.authenticate(db_session, appbuilder.sm, "t_leader\x00", PASSWORD)
        user = authentication.authenticate(db_session, appbuilder.sm, "t_leader", PASSWORD)
        assert user.username == "t_leader"
    db_session.query(LoginThrottle).delete()
    db_session.commit()


def test_pages_forbid_framing_and_sniffing(client):
    response = client.get("/login/")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
