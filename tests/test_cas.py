"""CAS single sign-on against a real django-cas-server (tests/cas_fixtures.py): the ticket's
login with department and roles from the CAS attributes (or from LDAP by the CAS name), the
refusals (unknown department, replayed or forged ticket, local accounts), single logout, and
the lockout and audit rows every login leaves."""

import pytest

from app.models import AuditEntry, CasLogin, ConsoleUser
from app.services.access import authentication, cas_login
from tests import factories as f
from tests.cas_fixtures import CAS_PASSWORD, cas_ticket
from tests.factories import PASSWORD, ROLE_USERS


def _service(app):
    return app.config["CAS_SERVICE_URL"]


def _cas_login(client, username, password=CAS_PASSWORD):
    """The whole journey: the console sends to CAS, CAS gives a ticket, the console checks it.
    Returns (the console's answer to the ticket, the ticket, the CAS-side requests session)."""
    app = client.application
    start = client.get("/login/cas/")
    assert start.status_code == 302
    assert start.headers["Location"].startswith(app.config["CAS_SERVER_URL"] + "login?service=")
    ticket, http = cas_ticket(app.config_cas_server, _service(app), username, password)
    return client.get("/login/cas/", query_string={"ticket": ticket}), ticket, http


@pytest.fixture
def cas(cas_mode, app):
    app.config_cas_server = cas_mode  # where _cas_login finds the server
    yield cas_mode
    del app.config_cas_server


def _user(db_session, username):
    db_session.expire_all()
    return db_session.query(ConsoleUser).filter_by(username=username).one_or_none()


def _entries(db_session, username):
    db_session.expire_all()
    return (
        db_session.query(AuditEntry)
        .filter(AuditEntry.username == username)
        .order_by(AuditEntry.seq)
        .all()
    )


def test_cas_login_gives_department_and_roles_from_attributes(cas, client, db_session):
    """Attributes → names, department T01, and two roles (group names matched without case)."""
    response, ticket, _http = _cas_login(client, "zhoulan")
    assert response.status_code == 302 and response.headers["Location"].endswith("/")
    user = _user(db_session, "zhoulan")
    assert user.source == "cas"
    assert user.department.code == "T01"
    assert {r.name for r in user.roles} == {"部门联系人", "校领导"}
    assert (user.last_name, user.first_name, user.email) == ("周", "兰", "zhoulan@college.edu.cn")
    assert client.get("/serviceitemview/list/").status_code == 200
    entry = _entries(db_session, "zhoulan")[-1]
    assert entry.action == "login" and "ok; cas" in entry.changes
    login = db_session.query(CasLogin).filter_by(user_id=user.id).one()
    assert login.ticket_digest != ticket and len(login.ticket_digest) == 64


def _last_reason(db_session, username):
    entry = _entries(db_session, username)[-1]
    return entry.action, entry.changes


def test_login_page_offers_cas_only_in_cas_mode(app, client, monkeypatch, cas_server):
    assert "统一身份认证登录" not in client.get("/login/").text
    assert client.get("/login/cas/").status_code == 404  # not in db mode
    monkeypatch.setitem(app.config, "AUTH_MODE", "cas")
    monkeypatch.setitem(app.config, "CAS_SERVER_URL", cas_server.url)
    page = client.get("/login/?next=/serviceitemview/list/").text
    assert "统一身份认证登录" in page and "紧急管理员" in page
    assert 'href="/login/cas/?next=/serviceitemview/list/"' in page


def test_cas_login_returns_to_the_page_asked_for(cas, app, client):
    start = client.get("/login/cas/?next=/serviceitemview/list/")
    ticket, _http = cas_ticket(cas, _service(app), "zhoulan")
    response = client.get("/login/cas/", query_string={"ticket": ticket})
    assert response.headers["Location"] == "/serviceitemview/list/", start.headers


def test_unknown_department_is_refused_in_chinese(cas, client, db_session):
    response, _ticket, _http = _cas_login(client, "outsider")
    assert response.status_code == 401
    assert "部门代码“ZZ99”未在本系统登记，暂不能登录" in response.text
    assert _user(db_session, "outsider") is None
    assert _last_reason(db_session, "outsider")[0] == "login_failed"
    assert "unknown department" in _last_reason(db_session, "outsider")[1]
    assert client.get("/serviceitemview/list/").status_code == 302  # no session


def test_a_cas_person_without_a_mapped_group_is_refused_without_a_default_role(
    cas, app, client, db_session, monkeypatch
):
    monkeypatch.setitem(app.config, "DIRECTORY_DEFAULT_ROLE", "")
    response, _ticket, _http = _cas_login(client, "nobody")
    assert response.status_code == 401 and "尚未分配本系统的角色" in response.text
    assert "no mapped role" in _last_reason(db_session, "nobody")[1]


def test_a_ticket_is_used_once(cas, app, client, db_session):
    """The same ticket a second time (another browser, the back button) is refused before the
    CAS server is asked, and audited; a ticket the CAS server already consumed elsewhere, or
    one it never issued, is refused by the CAS server."""
    response, ticket, _http = _cas_login(client, "hexin")
    assert response.status_code == 302
    other = app.test_client()
    again = other.get("/login/cas/", query_string={"ticket": ticket})
    assert again.status_code == 401 and "统一身份认证登录未完成或已失效" in again.text
    assert other.get("/serviceitemview/list/").status_code == 302
    name = cas_login.CAS_TICKET_NAME
    assert "cas ticket replayed" in _last_reason(db_session, name)[1]
    from cas import CASClient

    consumed, _http = cas_ticket(cas, _service(app), "hexin")
    client_lib = CASClient(version=3, server_url=cas.url, service_url=_service(app))
    assert client_lib.verify_ticket(consumed)[0] == "hexin"  # someone else used it first
    refused = app.test_client().get("/login/cas/", query_string={"ticket": consumed})
    assert refused.status_code == 401
    assert "cas ticket refused" in _last_reason(db_session, name)[1]
    forged = app.test_client().get("/login/cas/", query_string={"ticket": "ST-1-forged"})
    assert forged.status_code == 401
    assert "cas ticket refused" in _last_reason(db_session, name)[1]
    junk = app.test_client().get("/login/cas/", query_string={"ticket": "<script>"})
    assert junk.status_code == 401
    assert "cas ticket malformed" in _last_reason(db_session, name)[1]
    _unlock(db_session, name)


def test_a_ticket_for_another_service_is_refused(cas, app, db_session):
    """CAS binds a ticket to the service it was issued for: one issued for another address of
    the console does not open a session here."""
    ticket, _http = cas_ticket(cas, "http://127.0.0.1:9/other/", "hexin")
    response = app.test_client().get("/login/cas/", query_string={"ticket": ticket})
    assert response.status_code == 401
    _unlock(db_session, cas_login.CAS_TICKET_NAME)


def _unlock(db_session, name):
    db_session.expire_all()
    authentication.unlock(db_session, name)
    db_session.commit()


def test_bad_tickets_lock_cas_logins_from_that_address(cas, app, db_session):
    """Five refused tickets from one address lock CAS logins from it: the sixth, valid, ticket
    is refused too (audited as locked) until the security administrator unlocks."""
    name = cas_login.CAS_TICKET_NAME
    try:
        for n in range(app.config["LOCKOUT_THRESHOLD"]):
            answer = app.test_client().get("/login/cas/", query_string={"ticket": f"ST-{n}-bad"})
            assert answer.status_code == 401
        ticket, _http = cas_ticket(cas, _service(app), "hexin")
        response = app.test_client().get("/login/cas/", query_string={"ticket": ticket})
        assert response.status_code == 401 and "已被锁定" in response.text
        assert _last_reason(db_session, name) == ("login_failed", '{"reason": [null, "locked"]}')
    finally:
        _unlock(db_session, name)
    ticket, _http = cas_ticket(cas, _service(app), "hexin")
    assert app.test_client().get("/login/cas/", query_string={"ticket": ticket}).status_code == 302


def test_a_locked_account_stays_locked_through_cas(cas, app, db_session):
    """The lock of a name (five failures from this address) holds for its CAS login too."""
    from app.services.access import throttle

    for _n in range(app.config["LOCKOUT_THRESHOLD"]):
        throttle.record_failure(db_session, "hexin", "127.0.0.1")
    db_session.commit()
    try:
        ticket, _http = cas_ticket(cas, _service(app), "hexin")
        client = app.test_client()
        response = client.get("/login/cas/", query_string={"ticket": ticket})
        assert response.status_code == 401 and "已被锁定" in response.text
        assert client.get("/serviceitemview/list/").status_code == 302
        assert "locked" in _last_reason(db_session, "hexin")[1]
    finally:
        _unlock(db_session, "hexin")


def test_local_accounts_never_log_in_through_cas(cas, app, db_session):
    """A CAS person named like a local account (the emergency administrator, a demo user)
    does not get that account."""
    for name in ("sysadmin", ROLE_USERS["contact"]["username"]):
        response, _ticket, _http = _cas_login(app.test_client(), name)
        assert response.status_code == 401 and "本地账号不能通过统一身份认证登录" in response.text
        assert "local account through cas" in _last_reason(db_session, name)[1]
    assert _user(db_session, ROLE_USERS["contact"]["username"]).source == "local"


def test_the_password_form_is_for_local_administrators_only_in_cas_mode(cas, app, db_session):
    """In CAS mode the login form refuses a local account not in LOCAL_ADMIN_USERS even with
    its right password, and a CAS person's name (audited); LOCAL_ADMIN_USERS still log in."""
    contact = ROLE_USERS["contact"]["username"]
    form = app.test_client().post("/login/", data={"username": contact, "password": PASSWORD})
    assert form.status_code == 401 and "本地账号不能在统一身份认证模式下登录" in form.text
    assert "local account in directory mode" in _last_reason(db_session, contact)[1]
    _cas_login(app.test_client(), "hexin")
    other = app.test_client().post("/login/", data={"username": "hexin", "password": "x" * 12})
    assert other.status_code == 401 and "统一身份认证登录" in other.text
    assert "password login in cas mode" in _last_reason(db_session, "hexin")[1]


def test_the_emergency_administrator_logs_in_with_its_password_in_cas_mode(
    cas, app, monkeypatch, db_session
):
    from tests.helpers import pass_second_factor

    security = ROLE_USERS["security"]["username"]
    monkeypatch.setitem(app.config, "LOCAL_ADMIN_USERS", [security])
    client = app.test_client()
    response = client.post("/login/", data={"username": security, "password": PASSWORD})
    assert pass_second_factor(app, client, response, security).status_code == 302
    assert client.get("/users/list/").status_code == 200
    logout = client.post("/logout/")
    assert logout.headers["Location"].endswith("/login/")  # no CAS session to end


def test_single_logout_ends_the_session_of_that_ticket_only(cas, app, db_session):
    """Logging out at the CAS server makes it POST a logoutRequest to the console (over HTTP,
    to the live server); the console session opened with that ticket ends at its next
    request, audited; another person's CAS session goes on."""
    f.training_record(db_session, username="hexin", display_name="何欣")  # a trained 审核员
    db_session.commit()
    first, second = app.test_client(), app.test_client()
    _cas_login(first, "hexin")
    response, _ticket, http = _cas_login(second, "zhoulan")
    assert response.status_code == 302
    assert second.get("/serviceitemview/list/").status_code == 200
    answer = http.get(cas.url + "logout", timeout=10)
    assert answer.status_code == 200
    gone = second.get("/serviceitemview/list/")
    assert gone.status_code == 302 and "/login/" in gone.headers["Location"]
    assert "您已在统一身份认证退出" in second.get(gone.headers["Location"]).text
    assert first.get("/serviceitemview/list/").status_code == 200
    entry = _entries(db_session, "zhoulan")[-1]
    assert entry.action == "logout" and "cas single logout" in entry.changes


def test_a_forged_logout_request_ends_nothing(cas, app, client):
    _response, ticket, _http = _cas_login(client, "zhoulan")
    outsider = app.test_client()
    for body in ("<nonsense", "<!DOCTYPE x [<!ENTITY e 'ST-1'>]><a>&e;</a>", ""):
        assert outsider.post("/login/cas/", data={"logoutRequest": body}).status_code == 400
    other_ticket = ticket[:-4] + "zzzz"
    xml = (
        '<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">'
        f"<samlp:SessionIndex>{other_ticket}</samlp:SessionIndex></samlp:LogoutRequest>"
    )
    assert outsider.post("/login/cas/", data={"logoutRequest": xml}).status_code == 200
    assert client.get("/serviceitemview/list/").status_code == 200


def test_console_logout_logs_out_at_the_cas_server(cas, app, client):
    """The console's logout sends the browser to the CAS logout, which comes back to the
    console's login page; the CAS session is over (a new login asks for the password)."""
    _response, _ticket, http = _cas_login(client, "zhoulan")
    logout = client.post("/logout/")
    location = logout.headers["Location"]
    assert location.startswith(cas.url + "logout?service=")
    assert client.get("/serviceitemview/list/").status_code == 302
    back = http.get(location, allow_redirects=False, timeout=10)
    assert back.status_code in (200, 302)
    again = http.get(cas.url + "login", params={"service": _service(app)}, allow_redirects=False)
    assert again.status_code == 200 and 'name="password"' in again.text


def test_an_administrator_passes_the_second_factor_after_cas(cas, app, client, db_session):
    """The IT administrator's second factor is asked after the CAS ticket, as after a
    password; the session then opened still ends with the CAS single logout."""
    from tests.helpers import pass_second_factor

    response, _ticket, http = _cas_login(client, "gaoming")
    assert response.headers["Location"].endswith("/login/second-factor/")
    assert client.get("/serviceitemview/list/").status_code == 302  # not logged in yet
    done = pass_second_factor(app, client, response, "gaoming")
    assert done.status_code in (200, 302)
    assert client.get("/serviceitemview/list/").status_code == 200
    http.get(cas.url + "logout", timeout=10)
    assert client.get("/serviceitemview/list/").status_code == 302


def test_cas_server_down_is_said_and_audited(cas, app, monkeypatch, db_session):
    from devtools.slapd import free_port

    ticket, _http = cas_ticket(cas, _service(app), "hexin")
    monkeypatch.setitem(app.config, "CAS_SERVER_URL", f"http://127.0.0.1:{free_port()}/cas/")
    response = app.test_client().get("/login/cas/", query_string={"ticket": ticket})
    assert response.status_code == 503 and "统一身份认证服务暂时无法连接" in response.text
    name = cas_login.CAS_TICKET_NAME
    assert "cas server unavailable" in _last_reason(db_session, name)[1]


def test_department_and_roles_from_ldap_by_the_cas_name(
    cas, app, ldap_mode, monkeypatch, db_session
):
    """CAS_USER_SOURCE=ldap: the CAS server only says who it is; the directory (real slapd,
    searched with the service account) gives the department and the groups' roles."""
    from flask_appbuilder.const import AUTH_DB

    from tests.ldap_fixtures import GROUP_ROLES

    monkeypatch.setitem(app.config, "AUTH_TYPE", AUTH_DB)  # CAS mode is FAB's DB mode
    monkeypatch.setitem(app.config, "CAS_USER_SOURCE", "ldap")
    monkeypatch.setitem(app.config, "AUTH_ROLES_MAPPING", GROUP_ROLES)
    cas.add_person("zhangwei", CAS_PASSWORD, department="T02", groups="console-itadmins")
    response, _ticket, _http = _cas_login(app.test_client(), "zhangwei")
    assert response.status_code == 302
    user = _user(db_session, "zhangwei")
    assert user.source == "cas" and user.department.code == "T01"  # the directory's, not CAS's
    assert {r.name for r in user.roles} == {"部门联系人", "校领导"}
    response, _ticket, _http = _cas_login(app.test_client(), "hexin")  # not in the directory
    assert response.status_code == 401
    assert "cas user not in directory" in _last_reason(db_session, "hexin")[1]


def test_forms_may_lead_to_the_cas_server_only_in_cas_mode(app, client, monkeypatch, cas_server):
    """The logout form's redirect to the CAS logout needs the CAS origin in form-action; no
    other origin is added, and none outside CAS mode."""
    origin = cas_server.url.rsplit("/cas/", 1)[0]
    assert origin not in client.get("/login/").headers["Content-Security-Policy"]
    monkeypatch.setitem(app.config, "AUTH_MODE", "cas")
    monkeypatch.setitem(app.config, "CAS_SERVER_URL", cas_server.url)
    policy = client.get("/login/").headers["Content-Security-Policy"]
    assert f"form-action 'self' {origin};" in policy
    assert "default-src 'self';" in policy


def test_the_it_office_sees_the_cas_settings(app, client_as, monkeypatch, cas_server):
    """The security administrator's settings page names the CAS mode, server and attributes."""
    admin = client_as("security")  # a local account: logged in before the switch to CAS mode
    assert "CAS 服务器" not in admin.get("/directory/").text
    monkeypatch.setitem(app.config, "AUTH_MODE", "cas")
    monkeypatch.setitem(app.config, "CAS_SERVER_URL", cas_server.url)
    page = admin.get("/directory/").text
    assert "统一身份认证（CAS）" in page and "CAS 服务器" in page
    assert cas_server.url in page and "CAS 属性" in page


def test_cas_2_validation_works_too(cas, app, monkeypatch, db_session):
    """CAS_VERSION=2: the ticket is checked on serviceValidate (CAS 2.0) instead of
    p3/serviceValidate, and the login opens a session the same way."""
    monkeypatch.setitem(app.config, "CAS_VERSION", "2")
    f.training_record(db_session, username="hexin", display_name="何欣")  # a trained 审核员
    db_session.commit()
    client = app.test_client()
    response, _ticket, _http = _cas_login(client, "hexin")
    assert response.status_code == 302
    assert client.get("/serviceitemview/list/").status_code == 200
    action, changes = _last_reason(db_session, "hexin")
    assert action == "login" and "ok; cas" in changes
