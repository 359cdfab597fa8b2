"""The Content-Security-Policy: on every response of every route, inline script only with the
response's own nonce, nothing from another origin. tests/test_browser_csp.py checks in
Chromium that the pages keep working under it."""

import re
from pathlib import Path

import pytest
from werkzeug.routing.converters import NumberConverter

from tests import factories as f

ROOT = Path(__file__).resolve().parent.parent
SKIPPED = {"static", "appbuilder.static"}
ROLES = ("anonymous", "contact", "reviewer", "admin", "security")
SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)
INLINE_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
# Addresses that are not fetched: XML namespaces in SVG.
NAMESPACES = ("http://www.w3.org/",)


def directives(response):
    header = response.headers.get("Content-Security-Policy")
    assert header, f"{response.request.path}: no Content-Security-Policy"
    return dict((part.split()[0], part.split()[1:]) for part in header.split(";") if part.strip())


def _fill(rule, record_ids):
    values = {}
    for name in rule.arguments:
        if isinstance(rule._converters[name], NumberConverter):
            values[name] = record_ids.get(name, 1)
        else:
            values[name] = {"record_type": "service_item", "fmt": "svg", "kind": "service"}.get(
                name, "x"
            )
    return values


def _client(app, client_as, role):
    return app.test_client() if role == "anonymous" else client_as(role)


@pytest.fixture
def records(db_session):
    from app.services.review import workflow

    item = f.complete_item(db_session, code="SI-CSP-1")
    workflow.submit(db_session, item, f.user(db_session, "contact"))
    workflow.approve(db_session, item, f.user(db_session, "reviewer"), f.PASSWORD)
    db_session.commit()
    return {"record_id": item.id, "pk": item.id, "number": 1}


def _check_scripts(url, response):
    """Inline scripts carry this response's nonce; no inline handler, no javascript: link."""
    nonce = next(v for v in directives(response)["script-src"] if v.startswith("'nonce-"))[7:-1]
    page = response.get_data(as_text=True)
    for attributes, body in SCRIPT.findall(page):
        if body.strip():
            assert f'nonce="{nonce}"' in attributes, (url, body[:80])
        else:
            assert "src=" in attributes, (url, attributes)
    handler = INLINE_HANDLER.search(page)
    assert handler is None, (url, handler and handler.group(0))
    assert "javascript:" not in page.lower(), url


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_with_the_policy_and_nonced_scripts(app, client_as, records, role):
    """Every method of every route, as each role: the policy, whatever the status; on each
    HTML page every inline script carries the nonce of its response."""
    client = _client(app, client_as, role)
    seen, pages = 0, 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIPPED:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            url = rule.build(_fill(rule, records), append_unknown=False)[1]
            response = client.open(url, method=method)
            policy = directives(response)
            assert policy["default-src"] == ["'self'"], url
            assert "'unsafe-inline'" not in policy["script-src"], url
            assert policy["frame-ancestors"] == ["'none'"], url
            seen += 1
            if method == "GET" and response.mimetype == "text/html":
                _check_scripts(url, response)
                pages += 1
    assert seen > 100 and pages > 10, (seen, pages)
    for static in ("/static/console.js", "/static/appbuilder/js/ab.js"):
        assert "default-src" in directives(client.get(static))


def test_nonces_differ_between_responses(client):
    first = directives(client.get("/login/"))["script-src"]
    second = directives(client.get("/login/"))["script-src"]
    assert first != second


def _outside_addresses(text):
    for match in re.finditer(r"https?://([^/\s\"'<>)]+)", text):
        host = match.group(1).split(":")[0]
        if host in ("127.0.0.1", "localhost") or match.group(0).startswith(NAMESPACES):
            continue
        yield match.group(0)


def test_no_template_or_static_file_names_another_origin():
    found = {}
    for folder in ("app/templates", "app/static"):
        for path in (ROOT / folder).rglob("*"):
            if path.is_file():
                outside = list(_outside_addresses(path.read_text(errors="replace")))
                if outside:
                    found[str(path.relative_to(ROOT))] = outside
    assert found == {}


def test_pages_load_nothing_from_another_origin(app, client_as, records):
    """Every src= and stylesheet href of the rendered pages points at this origin."""
    client = client_as("admin")
    loads = re.compile(r'<(?:script|img|iframe)\b[^>]*\ssrc="([^"]+)"|<link\b[^>]*href="([^"]+)"')
    for url in ("/", "/serviceitemview/list/", f"/serviceitemview/show/{records['pk']}",
                "/statistics/", "/board/", "/login/", "/public/"):  # fmt: skip
        page = client.get(url).get_data(as_text=True)
        for src, href in loads.findall(page):
            target = src or href
            assert target.startswith("/") and not target.startswith("//"), (url, target)
