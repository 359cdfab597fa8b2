"""CAS single sign-on against a real django-cas-server (tests/cas_fixtures.py): the ticket's
login with department and roles from the CAS attributes (or from LDAP by the CAS name), the
refusals (unknown department, replayed or forged ticket, local accounts), single logout, and
the lockout and audit rows every login leaves."""

import pytest

from app.models import AuditEntry, CasLogin, ConsoleUser
from app.services.access import authentication
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
