"""A real CAS server for the tests (django-cas-server in .cas-venv, devtools/casd.py; never a
mock), and the app switched to CAS mode. If the server cannot start, the tests that need it
fail with the reason (nothing is skipped)."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from app.security.roles import AUDIT_ADMIN, CONTACT, IT_ADMIN, LEADER, REVIEWER
from devtools.casd import CasServer, hidden_fields

CAS_PASSWORD = "Cas#User2026"
ATTRIBUTES = ["department", "groups", "givenName", "sn", "mail"]
# Group names as the CAS server releases them -> console roles (AUTH_ROLES_MAPPING).
CAS_GROUP_ROLES = {
    "console-contacts": [CONTACT],
    "Console-Leaders": [LEADER],
    "console-reviewers": [REVIEWER],
    "console-itadmins": [IT_ADMIN],
    "console-audit": [AUDIT_ADMIN],
}


@pytest.fixture(scope="session")
def cas_server():
    """django-cas-server on a free port, releasing the five attributes above."""
    server = CasServer(ATTRIBUTES)
    try:
        server.start()
    except RuntimeError as error:
        pytest.fail(f"the test CAS server did not start: {error}", pytrace=False)
    person = server.add_person
    person("zhoulan", CAS_PASSWORD, givenName="兰", sn="周", mail="zhoulan@college.edu.cn",
           department="T01", groups=["console-contacts", "console-leaders"])  # fmt: skip
    person("hexin", CAS_PASSWORD, givenName="欣", sn="何", mail="hexin@college.edu.cn",
           department="T02", groups="console-reviewers")  # fmt: skip
    person("outsider", CAS_PASSWORD, givenName="客", sn="外", department="ZZ99",
           groups="console-contacts")  # fmt: skip
    person("nobody", CAS_PASSWORD, givenName="无", sn="组", department="T01")
    person("sysadmin", CAS_PASSWORD, groups="console-itadmins")  # a CAS name of a local admin
    person("t_contact", CAS_PASSWORD, groups="console-contacts")  # a CAS name of a local user
    person("gaoming", CAS_PASSWORD, givenName="明", sn="高", groups="console-itadmins")
    yield server
    server.stop()


@pytest.fixture
def cas_mode(app, cas_server, live_server, monkeypatch):
    """The session app in CAS mode against `cas_server` for one test; its service address is
    the live server's, so the CAS server's single-logout requests reach the app over HTTP."""
    settings = {
        "AUTH_MODE": "cas",
        "CAS_SERVER_URL": cas_server.url,
        "CAS_SERVICE_URL": f"{live_server.url}/login/cas/",
        "CAS_USER_SOURCE": "attributes",
        "AUTH_ROLES_MAPPING": CAS_GROUP_ROLES,
    }
    for key, value in settings.items():
        monkeypatch.setitem(app.config, key, value)
    return cas_server


def cas_ticket(server, service, username, password=CAS_PASSWORD, http=None):
    """Log in on the CAS server's own form as a browser would (requests keeps its cookies);
    returns (service ticket, the requests session holding the CAS login). The ticket is read
    from the CAS server's redirect to `service`, not followed."""
    http = http or requests.Session()
    page = http.get(server.url + "login", params={"service": service}, timeout=10)
    fields = hidden_fields(page.text)
    fields.update(username=username, password=password)
    answer = http.post(page.url, data=fields, allow_redirects=False, timeout=10)
    location = answer.headers.get("Location", "")
    assert location.startswith(service), f"CAS login of {username} gave no ticket: {answer.text}"
    return parse_qs(urlsplit(location).query)["ticket"][0], http
