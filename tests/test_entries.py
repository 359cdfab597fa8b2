"""Online entries that answer: live items' entry addresses are requested from a real local HTTP
server started by the test, the results recorded, and repeated failures reach the ledger."""

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from app.models import EntryCheck, RectificationTask
from app.services.errors import PermissionDeniedError
from app.services.ledger import entries
from tests import factories as f
from tests.test_jobs import consumer  # noqa: F401  (the real Huey consumer fixture)


class _Handler(BaseHTTPRequestHandler):
    flaky_status = 404

    def do_GET(self):
        port = self.server.server_address[1]
        routes = {
            "/ok": (200, None),
            "/gone": (404, None),
            "/boom": (500, None),
            "/private": (401, None),
            "/moved": (301, "/ok"),
            "/loop": (302, "/loop"),
            "/sso": (302, f"http://127.0.0.1:{port}/cas/login?service=http%3A%2F%2Fx%2F"),
            "/flaky": (type(self).flaky_status, None),
        }
        if self.path == "/slow":
            time.sleep(1.5)
            routes["/slow"] = (200, None)
        status, location = routes.get(self.path.split("?")[0], (404, None))
        self.send_response(status)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Handler.flaky_status = 404
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def settings(app, site, monkeypatch):
    for name, value in {
        "ENTRY_CHECK_TIMEOUT": 0.5,
        "ENTRY_CHECK_CONCURRENCY": 4,
        "ENTRY_CHECK_FAILURES": 3,
        "ENTRY_LOGIN_URLS": f"{site}/cas/login",
    }.items():
        monkeypatch.setitem(app.config, name, value)
    return app.config


def _closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _item(session, code, entry, **values):
    return f.complete_item(session, code=code, online_entry=entry, **values)


def _check(session, item):
    return session.query(EntryCheck).filter_by(item_id=item.id).one()


def test_each_entry_is_judged_by_what_it_answers(db_session, site, settings):
    items = {
        "ok": _item(db_session, "SI-E-OK", f"网上办事大厅 {site}/ok"),
        "moved": _item(db_session, "SI-E-MOVED", f"{site}/moved"),
        "sso": _item(db_session, "SI-E-SSO", f"{site}/sso"),
        "private": _item(db_session, "SI-E-401", f"{site}/private"),
        "gone": _item(db_session, "SI-E-404", f"{site}/gone"),
        "boom": _item(db_session, "SI-E-500", f"{site}/boom"),
        "loop": _item(db_session, "SI-E-LOOP", f"{site}/loop"),
        "slow": _item(db_session, "SI-E-SLOW", f"{site}/slow"),
        "closed": _item(db_session, "SI-E-CLOSED", f"http://127.0.0.1:{_closed_port()}/"),
        "app": _item(db_session, "SI-E-APP", "企业微信“智慧校园”应用"),
    }
    offline = _item(db_session, "SI-E-OFF", f"{site}/gone", lifecycle="offline")
    planned = _item(db_session, "SI-E-PLAN", f"{site}/gone", lifecycle="planned")
    db_session.commit()

    counts = entries.check_all(db_session, f.user(db_session, "admin"), settings)
    db_session.commit()

    found = {key: _check(db_session, item) for key, item in items.items()}
    assert {key: row.outcome for key, row in found.items()} == {
        "ok": "alive",
        "moved": "alive",
        "sso": "alive",
        "private": "alive",
        "gone": "dead",
        "boom": "dead",
        "loop": "dead",
        "slow": "unreachable",
        "closed": "unreachable",
        "app": "no_url",
    }
    assert found["ok"].url == f"{site}/ok"  # the address, not the words around it
    assert found["moved"].status_code == 200
    assert found["sso"].detail == "跳转到统一身份认证登录"
    assert found["gone"].status_code == 404 and found["gone"].detail == "服务器返回 404"
    assert found["slow"].detail == "超时未应答"
    assert found["closed"].detail.startswith("无法连接")
    assert {row.failures for key, row in found.items() if key in ("gone", "slow")} == {1}
    assert found["ok"].failures == 0 and found["app"].failures == 0
    assert counts == {"alive": 4, "dead": 3, "unreachable": 2, "no_url": 1, "tasks": 0}
    # Items that are not live are not checked.
    assert (
        not db_session.query(EntryCheck)
        .filter(EntryCheck.item_id.in_([offline.id, planned.id]))
        .count()
    )


def test_repeated_failures_open_one_task_and_a_recovery_resets_the_count(
    db_session, site, settings
):
    item = _item(db_session, "SI-E-FLAKY", f"{site}/flaky")
    db_session.commit()
    admin = f.user(db_session, "admin")

    opened = []
    for _run in range(4):
        opened.append(entries.check_all(db_session, admin, settings)["tasks"])
        db_session.commit()
    assert opened == [0, 0, 1, 0]
    row = _check(db_session, item)
    assert row.failures == 4 and row.failing_since is not None
    task = row.task
    assert task.source == "entry" and task.category == "entry"
    assert task.department_id == item.department_id and task.service_item_id == item.id
    assert "连续 3 次检查失败" in task.description and f"{site}/flaky" in task.description
    assert db_session.query(RectificationTask).count() == 1

    _Handler.flaky_status = 200
    entries.check_all(db_session, admin, settings)
    db_session.commit()
    db_session.refresh(row)
    assert (row.outcome, row.failures, row.failing_since) == ("alive", 0, None)
    assert row.task_id == task.id  # the task stays for the department to close

    # Closed, then failing three times again: the same task is reopened, not a second one.
    task.task_status = "done"
    db_session.commit()
    _Handler.flaky_status = 503
    for _run in range(3):
        entries.check_all(db_session, admin, settings)
        db_session.commit()
    db_session.refresh(task)
    assert task.task_status == "in_progress"
    assert db_session.query(RectificationTask).count() == 1


@pytest.mark.parametrize("role", ["contact", "reviewer", "leader", "security", "auditor"])
def test_only_the_it_office_runs_the_checks(db_session, settings, role):
    with pytest.raises(PermissionDeniedError):
        entries.check_all(db_session, f.user(db_session, role), settings)


def test_the_button_checks_and_the_pages_show_the_result_in_scope(
    db_session, site, settings, client_as
):
    mine = _item(db_session, "SI-E-MINE", f"{site}/gone")
    other = _item(db_session, "SI-E-OTHER", f"{site}/ok", dept="T02")
    db_session.commit()

    contact = client_as("contact")
    assert contact.post("/entrycheckview/run").status_code in (302, 403)
    assert not db_session.query(EntryCheck).count()
    assert "立即检查" not in contact.get("/entrycheckview/list/").get_data(as_text=True)

    admin = client_as("admin")
    page = admin.post("/entrycheckview/run", follow_redirects=True).get_data(as_text=True)
    assert "已检查 2 个办事入口：可访问 1，失效 1" in page
    assert "SI-E-MINE" in page and "SI-E-OTHER" in page and "已失效" in page

    listed = contact.get("/entrycheckview/list/").get_data(as_text=True)
    assert "SI-E-MINE" in listed and "SI-E-OTHER" not in listed
    other_check = _check(db_session, other)
    assert contact.get(f"/entrycheckview/show/{other_check.id}").status_code == 404
    item_page = contact.get(f"/serviceitemview/show/{mine.id}").get_data(as_text=True)
    assert 'class="entry-check"' in item_page and "已失效" in item_page


def test_the_command_reports_and_fails_when_an_entry_fails(db_session, site, settings, runner):
    _item(db_session, "SI-E-CLI1", f"{site}/ok")
    _item(db_session, "SI-E-CLI2", f"{site}/boom")
    db_session.commit()
    result = runner.invoke(args=["check-entries"])
    assert result.exit_code == 1, result.output
    assert "可访问 1，失效 1，无法连接 0，不是网址 0" in result.output
    assert db_session.query(EntryCheck).count() == 2


def test_entry_url_takes_the_first_address_out_of_the_clerks_words():
    assert entries.entry_url("网上办事大厅（https://ehall.example.edu.cn/yyfw）") == (
        "https://ehall.example.edu.cn/yyfw"
    )
    assert entries.entry_url("http://a.example.cn/x，或企业微信") == "http://a.example.cn/x"
    assert entries.entry_url("企业微信-智慧校园") is None
    assert entries.entry_url(None) is None


@pytest.mark.usefixtures("consumer")
def test_many_entries_are_checked_in_the_worker_with_a_progress_page(
    db_session, site, settings, client_as, monkeypatch
):
    monkeypatch.setitem(settings, "ENTRY_CHECK_INLINE_ITEMS", 1)
    _item(db_session, "SI-E-BG1", f"{site}/ok")
    _item(db_session, "SI-E-BG2", f"{site}/gone")
    db_session.commit()
    admin = client_as("admin")
    queued = admin.post("/entrycheckview/run")
    assert queued.status_code == 302 and "/entrycheckview/jobs/" in queued.location
    deadline = time.monotonic() + 60
    while True:
        page = admin.get(queued.location).get_data(as_text=True)
        if "检查完成" in page or "检查未完成" in page or time.monotonic() > deadline:
            break
        assert 'http-equiv="refresh"' in page  # the page reloads itself while it runs
        time.sleep(0.3)
    assert "检查完成" in page and "已检查 2 个办事入口：可访问 1，失效 1" in page
    assert 'http-equiv="refresh"' not in page
    db_session.expire_all()
    assert db_session.query(EntryCheck).count() == 2
    assert client_as("security").get(queued.location).status_code in (403, 404, 302)
    assert admin.get("/entrycheckview/jobs/" + "0" * 32).status_code == 404


def test_the_board_flags_departments_with_dead_entries(db_session, site, settings, client_as):
    _item(db_session, "SI-E-BD1", f"{site}/gone")
    _item(db_session, "SI-E-BD2", f"{site}/ok", dept="T02")
    db_session.commit()
    entries.check_all(db_session, f.user(db_session, "admin"), settings)
    db_session.commit()
    page = client_as("admin").get("/board/").get_data(as_text=True)
    rows = {
        code: page[page.index(f'data-department="{code}"') :].split("</tr>", 1)[0]
        for code in ("T01", "T02")
    }
    assert "1 个失效" in rows["T01"]
    assert "个失效" not in rows["T02"] and "无失效" in rows["T02"]
