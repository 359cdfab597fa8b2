"""The three lists, their publication (signed, numbered, reproducible, diffed), the public pages,
public comments, and the print/verify codes."""

import io
import json
import re
from datetime import timedelta

import pytest
import segno
from openpyxl import load_workbook

from app.models import PrintCode, PublicComment, RectificationTask, ServiceItem
from app.models.base import utcnow
from app.services.errors import DomainError
from app.services.publish import comments, lists, publication, verification
from app.services.review import workflow
from app.services.trail.signature import SignatureRefusedError
from tests import factories as f
from tests.factories import PASSWORD


@pytest.fixture
def users(db_session):
    return {role: f.user(db_session, role) for role in f.ROLE_USERS}


def _approved(session, users, code, dept="T01", **values):
    item = f.complete_item(session, code=code, dept=dept, **values)
    workflow.submit(session, item, users["contact" if dept == "T01" else "contact_other"])
    workflow.approve(session, item, users["reviewer"], PASSWORD)
    session.commit()
    return item


def _reapprove(session, users, item, **changes):
    who = users["contact" if item.department.code == "T01" else "contact_other"]
    for key, value in changes.items():
        setattr(item, key, value)
    workflow.revise(session, item, who)
    session.commit()
    workflow.submit(session, item, who)
    workflow.approve(session, item, users["reviewer"], PASSWORD)
    session.commit()


def _publish(session, users, days=(-1, 10), **kwargs):
    today = utcnow().date()
    pub = publication.publish(
        session,
        users["reviewer"],
        PASSWORD,
        today + timedelta(days=days[0]),
        today + timedelta(days=days[1]),
        **kwargs,
    )
    session.commit()
    return pub


# --- The three lists ---------------------------------------------------------------------------


def test_lists_hold_approved_versions_only_and_a_draft_edit_waits_for_approval(db_session, users):
    """Drafts never enter the lists; editing an approved item keeps the approved text until
    the edit is approved in turn."""
    item = _approved(
        db_session, users, "SI-L-1", name="成绩证明开具", kind="approval", post="教务科"
    )
    f.complete_item(db_session, code="SI-L-DRAFT", name="草稿事项")
    db_session.commit()
    names = [i["name"] for i in lists.current_items(db_session)]
    assert names == ["成绩证明开具"]

    item.name = "成绩证明开具（新）"
    workflow.revise(db_session, item, users["contact"])
    db_session.commit()
    assert [i["name"] for i in lists.current_items(db_session)] == ["成绩证明开具"]

    workflow.submit(db_session, item, users["contact"])
    workflow.approve(db_session, item, users["reviewer"], PASSWORD)
    db_session.commit()
    assert [i["name"] for i in lists.current_items(db_session)] == ["成绩证明开具（新）"]


def test_offline_items_leave_the_lists(db_session, users):
    item = _approved(db_session, users, "SI-L-OFF")
    workflow.retire_versions(db_session, "service_item", item.id)
    db_session.commit()
    assert lists.current_items(db_session) == []


def test_list_rows_carry_the_columns_of_each_list(db_session, users):
    """责任清单 groups by department and post; 服务清单 has materials and channels; 审批清单
    only approval items with levels, nodes and time limits."""
    _approved(
        db_session,
        users,
        "SI-L-A",
        name="调课审批",
        kind="approval",
        post="教务科",
        online_entry="https://ehall.example.edu.cn/tk",
    )
    _approved(db_session, users, "SI-L-S", name="在读证明", kind="service", post="教务科")
    items = lists.current_items(db_session)
    assert lists.responsibility_rows(items) == [["测试教务处", "教务科", "调课审批、在读证明", 2]]
    service = {r[1]: r for r in lists.service_rows(items)}
    assert "申请表" in service["SI-L-S"][6] and service["SI-L-A"][11].startswith("https://")
    approval = lists.approval_rows(items)
    assert [r[1] for r in approval] == ["SI-L-A"]
    assert "部门审核" in approval[0][4] and "承诺办结时限：3个工作日" in approval[0][5]


def test_contact_exports_only_their_department_list(client_as, db_session, users):
    _approved(db_session, users, "SI-L-T01", name="教务事项")
    _approved(db_session, users, "SI-L-T02", dept="T02", name="学工事项")
    response = client_as("contact").get("/publication/current/service.xlsx")
    assert response.status_code == 200
    cells = {
        c.value for row in load_workbook(io.BytesIO(response.data)).active.iter_rows() for c in row
    }
    assert "教务事项" in cells and "学工事项" not in cells


# --- Publication ---------------------------------------------------------------------------


def test_publishing_needs_the_password_and_a_publisher_role(db_session, users):
    _approved(db_session, users, "SI-P-0")
    with pytest.raises(SignatureRefusedError):
        publication.publish(db_session, users["reviewer"], "wrong")
    with pytest.raises(DomainError):
        publication.publish(db_session, users["contact"], PASSWORD)
    with pytest.raises(DomainError):
        publication.publish(db_session, users["reviewer"], PASSWORD, "2026-12-10", "2026-12-01")


def test_publication_is_numbered_signed_and_diffs_added_changed_removed(db_session, users):
    """Version 2 names the item added, the item changed (with the field) and the one removed."""
    kept = _approved(db_session, users, "SI-P-1", name="事项一")
    gone = _approved(db_session, users, "SI-P-2", name="事项二")
    first = _publish(db_session, users)
    assert first.number == 1 and first.item_count == 2 and first.signer_name
    assert json.loads(first.changes)["added"] == [
        {"code": "SI-P-1", "name": "事项一"},
        {"code": "SI-P-2", "name": "事项二"},
    ]
    _reapprove(db_session, users, kept, tips="新的办理提示")
    workflow.retire_versions(db_session, "service_item", gone.id)
    _approved(db_session, users, "SI-P-3", name="事项三")
    second = _publish(db_session, users)
    changes = json.loads(second.changes)
    assert second.number == 2
    assert changes["added"] == [{"code": "SI-P-3", "name": "事项三"}]
    assert changes["removed"] == [{"code": "SI-P-2", "name": "事项二"}]
    assert changes["changed"] == [
        {
            "code": "SI-P-1",
            "name": "事项一",
            "fields": ["tips"],
            "values": {"tips": ["请提前申请", "新的办理提示"]},
        }
    ]


def test_published_xlsx_is_byte_for_byte_reproducible(client_as, db_session, users):
    """The same publication downloads as the same bytes, even after the items changed."""
    item = _approved(db_session, users, "SI-X-1", name='=HYPERLINK("http://x")', kind="approval")
    pub = _publish(db_session, users)
    reviewer = client_as("reviewer")
    for kind in lists.LIST_KINDS:
        first = reviewer.get(f"/publication/{pub.number}/{kind}.xlsx").data
        _reapprove(db_session, users, item, name="改过的名称") if kind == "service" else None
        again = reviewer.get(f"/publication/{pub.number}/{kind}.xlsx").data
        public = client_as("leader").get(f"/public/versions/{pub.number}/{kind}.xlsx").data
        assert first == again == public, kind
        sheet = load_workbook(io.BytesIO(first)).active
        assert sheet.freeze_panes == "A3"
        values = [c.value for row in sheet.iter_rows() for c in row if c.value]
        assert "改过的名称" not in values
    book = load_workbook(io.BytesIO(first))
    assert book.properties.created.replace(tzinfo=None) == pub.published_at.replace(microsecond=0)
    names = [
        c
        for row in load_workbook(
            io.BytesIO(reviewer.get(f"/publication/{pub.number}/service.xlsx").data)
        ).active.iter_rows()
        for c in row
        if c.value and "HYPERLINK" in str(c.value)
    ]
    assert names and all(c.data_type == "s" for c in names)


def test_publish_page_signs_and_shows_the_version(client_as, db_session, users):
    _approved(db_session, users, "SI-PP-1")
    reviewer = client_as("reviewer")
    assert "SI-PP-1" in reviewer.get("/publication/").text
    response = reviewer.post(
        "/publication/publish",
        data={"password": PASSWORD, "publicity_start": "2026-01-01", "publicity_end": "2026-01-10"},
    )
    assert response.status_code == 302
    page = reviewer.get(response.headers["Location"]).text
    assert "清单第 1 版" in page and "SI-PP-1" in page
    assert (
        client_as("contact").post("/publication/publish", data={"password": PASSWORD}).status_code
        == 403
    )


# --- Public pages ------------------------------------------------------------------------------


def test_public_pages_need_no_login_and_show_published_data_only(client, db_session, users):
    """Anonymous visitors read the published lists; drafts, unpublished approvals and survey
    findings (pain points) never appear."""
    _approved(db_session, users, "SI-PUB-1", name="学籍证明开具", pain_points="内部痛点描述")
    draft = f.complete_item(db_session, code="SI-PUB-DRAFT", name="草稿中的事项")
    db_session.commit()
    assert "清单尚未发布" in client.get("/public/").text
    pub = _publish(db_session, users)
    _approved(db_session, users, "SI-PUB-LATE", name="发布后才通过的事项")

    pages = [
        client.get(url)
        for url in (
            "/public/",
            "/public/versions/",
            f"/public/versions/{pub.number}/",
            "/public/items/SI-PUB-1",
            "/verify",
        )
    ]
    assert all(p.status_code == 200 for p in pages)
    text = " ".join(p.text for p in pages)
    assert "学籍证明开具" in text
    for secret in (
        "草稿中的事项",
        "发布后才通过的事项",
        "内部痛点描述",
        "t_contact",
        "t_reviewer@example.edu.cn",
    ):
        assert secret not in text
    assert client.get(f"/public/items/{draft.code}").status_code == 404
    assert client.get("/public/items/SI-PUB-LATE").status_code == 404
    chart = client.get(f"/public/versions/{pub.number}/items/SI-PUB-1/flowchart.svg")
    assert chart.status_code == 200 and b"<svg" in chart.data


def test_public_search_by_chinese_substring_and_filters(db_session, users):
    """Department, item name and material match by substring; department and user group
    filter (on SQLite and PostgreSQL alike)."""
    _approved(db_session, users, "SI-S-1", name="本科生成绩证明开具", user_groups="undergraduate")
    item = _approved(
        db_session, users, "SI-S-2", dept="T02", name="教职工请假", user_groups="staff"
    )
    f.material(db_session, db_session.get(ServiceItem, item.id), name="病假诊断书", position=2)
    db_session.commit()
    _reapprove(db_session, users, db_session.get(ServiceItem, item.id), tips="附诊断书")
    pub = _publish(db_session, users)

    def codes(**kw):
        rows, total = publication.search(db_session, pub, **kw)
        assert total == len(rows)
        return [r.code for r in rows]

    assert codes(text="成绩") == ["SI-S-1"]
    assert codes(text="学生处") == ["SI-S-2"]
    assert codes(text="诊断") == ["SI-S-2"]
    assert codes(text="%") == []
    assert codes(department_id=f.department(db_session, "T01").id) == ["SI-S-1"]
    assert codes(user_group="staff") == ["SI-S-2"]
    assert sorted(codes()) == ["SI-S-1", "SI-S-2"]


def test_public_list_page_searches(client, db_session, users):
    _approved(db_session, users, "SI-S-P1", name="成绩证明")
    _approved(db_session, users, "SI-S-P2", name="图书借阅")
    _publish(db_session, users)
    page = client.get("/public/?q=借阅").text
    assert "图书借阅" in page and "成绩证明" not in page


# --- Comments ----------------------------------------------------------------------------------


def test_comment_is_escaped_capped_and_answered_publicly(client, client_as, db_session, users):
    _approved(db_session, users, "SI-C-1")
    _publish(db_session, users)
    body = "<script>alert(1)</script>办理太慢"
    response = client.post("/public/comment", data={"body": body, "item_code": "SI-C-1"})
    assert response.status_code == 302
    page = client.get("/public/items/SI-C-1").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;办理太慢" in page and "<script>alert" not in page

    client.post("/public/comment", data={"body": "长" * 501, "list_kind": "service"})
    assert db_session.query(PublicComment).count() == 1

    comment = db_session.query(PublicComment).one()
    reviewer = client_as("reviewer")
    reviewer.post(f"/publication/comments/{comment.id}/reply", data={"reply": "已优化流程<b>"})
    assert "已优化流程&lt;b&gt;" in client.get("/public/items/SI-C-1").text
    assert (
        client_as("contact")
        .post(f"/publication/comments/{comment.id}/reply", data={"reply": "x"})
        .status_code
        == 403
    )


def test_comments_are_closed_outside_the_publicity_window(db_session, users):
    _approved(db_session, users, "SI-C-2")
    pub = _publish(db_session, users, days=(-20, -10))
    with pytest.raises(DomainError):
        comments.add_comment(db_session, pub, "晚了", list_kind="service")
    with pytest.raises(DomainError):
        comments.add_comment(
            db_session,
            pub,
            "早了",
            list_kind="service",
            today=pub.publicity_start - timedelta(days=1),
        )
    assert comments.add_comment(
        db_session, pub, "正好", list_kind="service", today=pub.publicity_end
    ).id


def test_comments_are_rate_limited_per_ip(app, client, db_session, users, monkeypatch):
    _approved(db_session, users, "SI-C-3")
    _publish(db_session, users)
    monkeypatch.setitem(app.config, "COMMENT_RATE_LIMIT", "3 per minute")
    statuses = [
        client.post(
            "/public/comment", data={"body": f"意见{n}", "list_kind": "approval"}
        ).status_code
        for n in range(5)
    ]
    assert statuses == [302, 302, 302, 429, 429]
    refused = client.post(
        "/public/comment", data={"body": "再来", "list_kind": "approval", "item_code": "SI-C-3"}
    )
    assert refused.status_code == 429 and "提交过于频繁，请稍后再试。" in refused.text
    assert 'href="/public/items/SI-C-3"' in refused.text
    other = client.post(
        "/public/comment",
        data={"body": "别处", "list_kind": "approval"},
        environ_base={"REMOTE_ADDR": "10.0.0.9"},
    )
    assert other.status_code == 302
    assert db_session.query(PublicComment).count() == 4


def test_public_comment_requires_csrf_token(app, client, db_session, users, monkeypatch):
    _approved(db_session, users, "SI-C-4")
    _publish(db_session, users)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert client.post("/public/comment", data={"body": "无令牌"}).status_code == 400
    assert db_session.query(PublicComment).count() == 0


def test_comment_opens_a_rectification_task(client_as, db_session, users):
    item = _approved(db_session, users, "SI-C-5")
    pub = _publish(db_session, users)
    comment = comments.add_comment(db_session, pub, "材料太多", item_code="SI-C-5")
    db_session.commit()
    client_as("reviewer").post(f"/publication/comments/{comment.id}/task")
    task = db_session.query(RectificationTask).one()
    assert task.source == "comment" and task.department_id == item.department_id
    assert task.service_item_id == item.id and "材料太多" in task.description
    db_session.refresh(comment)
    assert comment.task_id == task.id
    with pytest.raises(DomainError):
        comments.open_task(db_session, comment.id, users["reviewer"])


# --- Print and verify --------------------------------------------------------------------------


def _printed(client, url):
    page = client.get(url).text
    code = re.search(r'id="verify-code">([0-9A-Z-]+)<', page).group(1)
    verify_url = re.search(r'id="verify-url">([^<]+)<', page).group(1).replace("&amp;", "&")
    return page, code, verify_url


def test_verification_codes_have_at_least_128_random_bits():
    codes = {verification.new_code() for _ in range(200)}
    assert len(codes) == 200
    assert verification.CODE_CHARS * 5 >= 128
    code = codes.pop()
    assert verification.normalise(verification.grouped(code).lower()) == code
    assert re.fullmatch(r"([0-9A-Z]{4}-){6}[0-9A-Z]{4}", verification.grouped(code))


def test_print_view_shows_signature_code_and_qr_of_the_verify_url(client_as, db_session, users):
    item = _approved(db_session, users, "SI-V-1")
    page, code, url = _printed(client_as("contact"), f"/workflow/service_item/{item.id}/print")
    assert "e-signature" in page and "测试" in page
    assert url.endswith("/verify?code=" + verification.normalise(code))
    assert segno.make(url, error="m").svg_inline(scale=3, omitsize=False) in page
    stored = db_session.query(PrintCode).one()
    assert stored.code_hash == verification.code_hash(verification.normalise(code))
    assert verification.normalise(code) not in json.dumps(
        [stored.code_hash, stored.kind, stored.record_type]
    )


def test_verify_page_valid_superseded_and_invalid(client, client_as, db_session, users):
    item = _approved(db_session, users, "SI-V-2", name="毕业证明")
    reviewer = client_as("reviewer")
    _page, code, _url = _printed(reviewer, f"/workflow/service_item/{item.id}/print")
    decision = workflow.decisions(db_session, item)[0]
    _page, record_code, _url = _printed(reviewer, f"/workflow/decision/{decision.id}/print")

    page = client.get("/verify", query_string={"code": code}).text
    assert "有效：" in page and "毕业证明" in page
    assert "有效：" in client.get("/verify", query_string={"code": record_code.lower()}).text

    _reapprove(db_session, users, db_session.get(ServiceItem, item.id), tips="新提示")
    page = client.get("/verify", query_string={"code": code}).text
    assert "已被第 2 版取代" in page and "毕业证明" in page
    assert "已被第 2 版取代" in client.get("/verify", query_string={"code": record_code}).text

    forged = verification.grouped(verification.new_code())
    assert "无效" in client.get("/verify", query_string={"code": forged}).text
    assert "无效" in client.get("/verify", query_string={"code": "1234"}).text


def test_verify_of_a_contact_print_shows_no_personal_data(client, client_as, db_session, users):
    contact = f.complete_contact(db_session, name="王五", phone="13800001111")
    workflow.submit(db_session, contact, users["contact"])
    workflow.approve(db_session, contact, users["reviewer"], PASSWORD)
    db_session.commit()
    _page, code, _url = _printed(client_as("reviewer"), f"/workflow/contact/{contact.id}/print")
    page = client.get("/verify", query_string={"code": code}).text
    assert "有效：" in page and "13800001111" not in page and "王五" not in page


def test_verify_guessing_is_throttled(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "VERIFY_RATE_LIMIT", "3 per minute")
    statuses = [
        client.get("/verify", query_string={"code": verification.new_code()}).status_code
        for _ in range(5)
    ]
    assert statuses == [200, 200, 200, 429, 429]
    assert client.get("/verify").status_code == 200  # the empty form is not counted
    refused = client.get("/verify", query_string={"code": "X" * 28})
    assert refused.status_code == 429 and "核验过于频繁，请稍后再试。" in refused.text
    assert 'value="' + "X" * 28 + '"' in refused.text  # the form keeps the code
    assert int(refused.headers["Retry-After"]) > 0
    as_json = client.get(
        "/verify", query_string={"code": "X" * 28}, headers={"Accept": "application/json"}
    )
    assert as_json.status_code == 429
    assert as_json.get_json() == {"message": "核验过于频繁，请稍后再试。"}


def test_an_unset_public_limit_limits_nothing(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "VERIFY_RATE_LIMIT", "")
    statuses = {
        client.get("/verify", query_string={"code": verification.new_code()}).status_code
        for _ in range(25)
    }
    assert statuses == {200}


def test_the_public_sheet_and_service_list_show_the_offline_emergency_plan(
    client, db_session, users
):
    """Each published item carries its 线下应急办理预案 (measures art. 4(3)④) on its public page
    and in the service list; an item without one says so instead of leaving a blank."""
    plan = "大厅故障时到行政楼 201 室线下办理，联系电话 0571-88888888"
    _approved(db_session, users, "SI-PLAN-1", name="在读证明", offline_plan=plan)
    _approved(db_session, users, "SI-PLAN-2", name="成绩单", offline_plan=None)
    pub = _publish(db_session, users)
    page = client.get("/public/items/SI-PLAN-1")
    assert page.status_code == 200 and plan in page.text and "线下应急办理预案" in page.text
    assert "未填写" in client.get("/public/items/SI-PLAN-2").text
    response = client.get(f"/public/versions/{pub.number}/service.xlsx")
    assert response.status_code == 200, response.status_code
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(row for row in values if "线下应急办理预案" in row)
    column = header.index("线下应急办理预案")
    assert [row[column] for row in values if "在读证明" in row] == [plan]
