"""No open redirect: every `next=` goes through app.views.redirects.safe_next, which accepts a
path on this application or a host in FAB_SAFE_REDIRECT_HOSTS, and nothing else."""

import pytest

from app.views.redirects import is_safe_target
from tests import factories as f
from tests.factories import PASSWORD

# Django's tests/utils_tests/test_http.py bad_urls and FAB's next-URL matrix, plus variants.
HOSTILE = [
    "http://example.com",
    "http:///example.com",
    "https://example.com",
    "ftp://example.com",
    r"\\example.com",
    r"\\\example.com",
    r"/\\/example.com",
    r"\\\example.com",
    r"\\//example.com",
    r"/\/example.com",
    r"\/example.com",
    r"/\example.com",
    "http:///example.com",
    r"http:/\//example.com",
    r"http:\/example.com",
    r"http:/\example.com",
    'javascript:alert("XSS")',
    "\njavascript:alert(x)",
    "java\nscript:alert(x)",
    "\x08//example.com",
    r"http://otherserver\@example.com",
    r"http:\\testserver\@example.com",
    r"http://testserver\me:pass@example.com",
    r"http://testserver\@example.com",
    r"http:\\testserver\confirm\me@example.com",
    "http:999999999",
    "ftp:9999999999",
    "\n",
    "http://[2001:cdba:0000:0000:0000:0000:3257:9652/",
    "http://2001:cdba:0000:0000:0000:0000:3257:9652]/",
    "//example.com",
    "///example.com",
    "/\t/example.com",
    "/\n/example.com",
    " //example.com",
    "https://127.0.0.1@example.com/",
    "https://localhost:80@example.com/",
    "https://example.com#@localhost/",
    "data:text/html,<script>alert(1)</script>",
    "example.com",
    "workflow/inbox/",
    "//localhost.example.com/",
    "\u2029//example.com",
    "/\x7f/example.com",
]
SAFE = [
    "/workflow/inbox/",
    "/serviceitemview/show/1?x=1#top",
    "/public/items/SI-001",
    "http://localhost/workflow/inbox/",
    "https://127.0.0.1:8080/",
]


@pytest.mark.parametrize("target", HOSTILE)
def test_hostile_targets_are_refused(app, target):
    with app.test_request_context("/", headers={"Host": "example.com"}):
        assert not is_safe_target(target)


@pytest.mark.parametrize("target", SAFE)
def test_paths_on_this_app_and_listed_hosts_are_kept(app, target):
    with app.test_request_context("/"):
        assert is_safe_target(target)


def test_workflow_post_with_hostile_next_returns_to_the_record(client_as, db_session):
    item = f.complete_item(db_session, code="SI-NEXT")
    db_session.commit()
    contact = client_as("contact")
    record = f"/serviceitemview/show/{item.id}"
    for target in ("https://example.com/", "//example.com", r"/\example.com", "/\t/example.com"):
        response = contact.post(f"/workflow/service_item/{item.id}/withdraw", data={"next": target})
        assert response.status_code == 302
        assert response.headers["Location"] == record, target
    response = contact.post(
        f"/workflow/service_item/{item.id}/submit", data={"next": "/workflow/inbox/"}
    )
    assert response.headers["Location"] == "/workflow/inbox/", "a path on this app is kept"


def test_login_with_hostile_next_goes_home(app):
    for target in ("https://example.com/", "//example.com/x", r"/\example.com"):
        client = app.test_client()
        response = client.post(
            "/login/?next=" + target,
            data={"username": "t_leader", "password": PASSWORD},
            headers={"Host": "example.com"},
        )
        assert response.status_code == 302
        assert "example.com" not in response.headers["Location"], target
        # Already signed in: the login page redirects through the same check.
        response = client.get("/login/?next=" + target, headers={"Host": "example.com"})
        assert response.status_code == 302
        assert "example.com" not in response.headers["Location"], target
    response = app.test_client().post(
        "/login/?next=/workflow/inbox/", data={"username": "t_leader", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/workflow/inbox/"
