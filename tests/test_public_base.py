"""The address printed in QR codes comes from configuration, never from a forged Host header:
PUBLIC_BASE_URL when set, else the request's host only if TRUSTED_HOSTS or
FAB_SAFE_REDIRECT_HOSTS lists it; any other Host is a 400 and no code is issued."""

import re

import pytest
import segno

from app.models import PrintCode
from app.services.review import workflow
from tests import factories as f
from tests.factories import PASSWORD


@pytest.fixture
def approved(db_session):
    users = {role: f.user(db_session, role) for role in ("contact", "reviewer")}
    item = f.complete_item(db_session, code="SI-HOST")
    workflow.submit(db_session, item, users["contact"])
    workflow.approve(db_session, item, users["reviewer"], PASSWORD)
    db_session.commit()
    return item


def _as_host(client, host):
    """The signed-in session's cookie, sent to `host` as well (a forged Host header)."""
    cookie = client.get_cookie("session")
    client.set_cookie("session", cookie.value, domain=host)
    return client


def _printed_url(response):
    url = re.search(r'id="verify-url">([^<]+)<', response.text).group(1).replace("&amp;", "&")
    assert segno.make(url, error="m").svg_inline(scale=3, omitsize=False) in response.text
    return url


@pytest.fixture
def base_url(app):
    """Set PUBLIC_BASE_URL (or TRUSTED_HOSTS) for one test."""
    saved = {k: app.config.get(k) for k in ("PUBLIC_BASE_URL", "TRUSTED_HOSTS")}

    def configure(**values):
        app.config.update(values)

    yield configure
    app.config.update(saved)


def test_forged_host_is_refused_and_issues_no_code(app, client_as, db_session, approved):
    assert not app.config["PUBLIC_BASE_URL"]
    client = _as_host(client_as("contact"), "evil.example")
    decision = workflow.decisions(db_session, approved)[0]
    for url in (
        f"/workflow/service_item/{approved.id}/print",
        f"/workflow/decision/{decision.id}/print",
    ):
        response = client.get(url, headers={"Host": "evil.example"})
        assert response.status_code == 400, url
        assert "evil.example" not in response.text
    assert db_session.query(PrintCode).count() == 0


def test_trusted_host_is_printed(client_as, approved):
    response = client_as("contact").get(
        f"/workflow/service_item/{approved.id}/print", headers={"Host": "localhost:8080"}
    )
    assert response.status_code == 200
    assert _printed_url(response).startswith("http://localhost:8080/verify?code=")


def test_configured_base_wins_over_any_host(app, client_as, approved, base_url):
    base_url(PUBLIC_BASE_URL="https://console.example.edu.cn")
    client = _as_host(client_as("contact"), "evil.example")
    response = client.get(
        f"/workflow/service_item/{approved.id}/print", headers={"Host": "evil.example"}
    )
    assert response.status_code == 200
    url = _printed_url(response)
    assert url.startswith("https://console.example.edu.cn/verify?code=")
    assert "evil.example" not in response.text


def test_trusted_hosts_setting_refuses_every_other_host(app, client_as, approved, base_url):
    """With TRUSTED_HOSTS set, Flask answers 400 to another Host on any page, and a listed
    host (subdomains with a leading dot) is printed."""
    base_url(TRUSTED_HOSTS=["localhost", ".example.edu.cn"])
    client = _as_host(client_as("contact"), "evil.example")
    assert client.get("/public/", headers={"Host": "evil.example"}).status_code == 400
    client = _as_host(client_as("contact"), "console.example.edu.cn")
    response = client.get(
        f"/workflow/service_item/{approved.id}/print",
        headers={"Host": "console.example.edu.cn"},
    )
    assert response.status_code == 200
    assert _printed_url(response).startswith("http://console.example.edu.cn/verify?code=")
