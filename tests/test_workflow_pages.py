"""The workflow through the pages: buttons, signatures, inbox, versions, diff, print."""

import re

from app.models import ServiceItem
from tests import factories as f
from tests.factories import PASSWORD


def _flashes(response):
    return " ".join(
        re.sub(r"<[^>]+>|&times;", "", t).strip()
        for t in re.findall(r'class="alert alert-\w+"[^>]*>(.*?)</div>', response.text, re.S)
    )


def _follow(client, response):
    assert response.status_code == 302
    return client.get(response.headers["Location"])


def test_contact_submits_reviewer_returns_contact_resubmits_reviewer_approves(
    client_as, db_session
):
    item = f.complete_item(db_session, code="SI-PG-1")
    db_session.commit()
    contact, reviewer = client_as("contact"), client_as("reviewer")

    page = contact.get(f"/serviceitemview/show/{item.id}").text
    assert "提交审核" in page and "草稿" in page
    page = _follow(contact, contact.post(f"/workflow/service_item/{item.id}/submit"))
    assert "已提交审核" in _flashes(page)

    inbox = reviewer.get("/workflow/inbox/").text
    assert "SI-PG-1" in inbox and "t_contact" in inbox
    assert "审核待办（1）" in inbox

    page = _follow(
        reviewer,
        reviewer.post(
            f"/workflow/service_item/{item.id}/return", data={"comment": "", "password": PASSWORD}
        ),
    )
    assert "必须填写退回意见" in _flashes(page)
    page = _follow(
        reviewer,
        reviewer.post(
            f"/workflow/service_item/{item.id}/return",
            data={"comment": "请补充咨询电话", "password": PASSWORD},
        ),
    )
    assert "已退回" in _flashes(page)

    page = contact.get(f"/serviceitemview/show/{item.id}").text
    assert "请补充咨询电话" in page and "已退回" in page
    db_session.expire_all()
    fresh = db_session.get(ServiceItem, item.id)
    response = contact.post(
        f"/serviceitemview/edit/{item.id}",
        data={
            "code": fresh.code,
            "name": fresh.name,
            "department": str(fresh.department_id),
            "kind": fresh.kind,
            "running_status": fresh.running_status,
            "conditions": fresh.conditions,
            "path": fresh.path,
            "consultation": "学生处 0816-1234567",
            "promised_limit": "3个工作日",
            "service_hours": fresh.service_hours,
            "tips": fresh.tips,
            "version_seen": str(fresh.version),
        },
    )
    assert response.status_code == 302
    _follow(contact, contact.post(f"/workflow/service_item/{item.id}/submit"))

    page = _follow(
        reviewer,
        reviewer.post(
            f"/workflow/service_item/{item.id}/approve", data={"password": "not-my-password"}
        ),
    )
    assert "密码不正确" in _flashes(page)
    page = _follow(
        reviewer,
        reviewer.post(f"/workflow/service_item/{item.id}/approve", data={"password": PASSWORD}),
    )
    assert "已审核通过并签名" in _flashes(page)
    assert 'class="e-signature"' in page.text and "测试t_reviewer" in page.text
    assert "第 1 版" in page.text

    versions = reviewer.get(f"/workflow/service_item/{item.id}/versions/").text
    assert "第 1 版" in versions
    version = reviewer.get(f"/workflow/service_item/{item.id}/versions/1").text
    assert "学生处 0816-1234567" in version
    printed = reviewer.get(f"/workflow/service_item/{item.id}/print").text
    assert "一事一单" in printed and "e-signature" in printed and "学生处 0816-1234567" in printed


def test_version_page_shows_what_changed_since_the_previous_one(client_as, db_session):
    from app.services.review import records, workflow

    users = {r: f.user(db_session, r) for r in ("contact", "reviewer")}
    item = f.complete_item(db_session, code="SI-PG-2")
    workflow.submit(db_session, item, users["contact"])
    workflow.approve(db_session, item, users["reviewer"], PASSWORD)
    db_session.commit()
    item.tips = "新的办理提示"
    item.running_status, item.disposition = "improve", "enable"
    item.disposition_note = "系统升级后启用"
    records.before_update(db_session, item, users["contact"])
    f.process_node(db_session, item, name="分管校领导审批", position=3, kind="approve")
    item.nodes[1].time_limit = "5个工作日"
    db_session.commit()
    db_session.refresh(item)
    workflow.submit(db_session, item, users["contact"])
    workflow.approve(db_session, item, users["reviewer"], PASSWORD)
    db_session.commit()
    page = client_as("leader").get(f"/workflow/service_item/{item.id}/versions/2").text
    assert "新的办理提示" in page and "请提前申请" in page
    assert "分管校领导审批" in page
    # Said in the words of the item's page: labels and choice labels, not columns and codes.
    assert "办理提示" in page and "运行状态" in page and "待改进" in page
    assert "流转环节：部门审核" in page and "环节时限" in page and "5个工作日" in page
    for raw in ("running_status", "improve", "<code>tips", "nodes<", "updated_at"):
        assert raw not in page, raw


def test_status_cannot_be_set_through_a_form(client_as, db_session):
    item = f.service_item(db_session, code="SI-PG-3")
    db_session.commit()
    client = client_as("contact")
    client.post(
        f"/serviceitemview/edit/{item.id}",
        data={
            "code": item.code,
            "name": item.name,
            "department": str(item.department_id),
            "kind": "service",
            "running_status": "good",
            "status": "approved",
            "approved_version_no": "7",
            "submitted_by_id": "1",
            "version_seen": str(item.version),
        },
    )
    db_session.expire_all()
    fresh = db_session.get(ServiceItem, item.id)
    assert fresh.status == "draft" and fresh.approved_version_no is None


def test_incomplete_submission_lists_what_is_missing(client_as, db_session):
    item = f.service_item(db_session, code="SI-PG-4")
    db_session.commit()
    client = client_as("contact")
    page = _follow(client, client.post(f"/workflow/service_item/{item.id}/submit"))
    message = _flashes(page)
    assert "不能提交" in message and "办理路径" in message and "流转环节" in message


def test_inbox_batch_approve_checks_every_record(client_as, db_session):
    from app.services.review import workflow

    contact = f.user(db_session, "contact")
    first = f.complete_item(db_session, code="SI-PG-5")
    second = f.complete_item(db_session, code="SI-PG-6")
    workflow.submit(db_session, first, contact)
    workflow.submit(db_session, second, contact)
    db_session.commit()
    reviewer = client_as("reviewer")
    page = _follow(
        reviewer,
        reviewer.post(
            "/workflow/inbox/batch",
            data={
                "action": "approve",
                "password": PASSWORD,
                "rowid": [f"service_item:{first.id}", f"service_item:{second.id}"],
            },
        ),
    )
    assert "已处理 2 条记录" in _flashes(page)
    db_session.expire_all()
    assert {db_session.get(ServiceItem, i).status for i in (first.id, second.id)} == {"approved"}
    page = _follow(
        reviewer,
        reviewer.post(
            "/workflow/inbox/batch",
            data={"action": "approve", "password": PASSWORD, "rowid": [f"service_item:{first.id}"]},
        ),
    )
    assert "不能执行此操作" in _flashes(page)


def test_leader_sees_workflow_but_has_no_buttons(client_as, db_session):
    item = f.complete_item(db_session, code="SI-PG-7")
    db_session.commit()
    leader = client_as("leader")
    page = leader.get(f"/serviceitemview/show/{item.id}").text
    assert "审核与流转" in page and "提交审核" not in page and "审核通过并签名" not in page
    assert leader.post(f"/workflow/service_item/{item.id}/submit").status_code == 403
    assert leader.get("/workflow/inbox/").status_code == 403
