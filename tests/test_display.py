"""What a Chinese reader sees: times in the display zone, histories in the words of the pages,
one source of truth for where an item stands."""

import re
from datetime import datetime

import pytest

from app.models import ReviewDecision
from app.services.review import lifecycle, records, workflow
from app.services.trail import clock
from tests import factories as f
from tests.factories import PASSWORD


@pytest.fixture
def users(db_session):
    return {role: f.user(db_session, role) for role in f.ROLE_USERS}


def test_stored_utc_is_shown_in_beijing_time_unless_configured(app):
    signed = datetime(2026, 12, 7, 13, 30)  # naive UTC, as stored
    with app.test_request_context():
        assert clock.text(signed) == "2026-12-07 21:30"
        assert str(clock.markup(signed)) == (
            '<time datetime="2026-12-07T21:30:00+08:00">2026-12-07 21:30</time>'
        )
        assert clock.zone_label() == "北京时间"
        app.config["DISPLAY_TIMEZONE"] = "UTC"
        try:
            assert clock.text(signed) == "2026-12-07 13:30"
        finally:
            app.config["DISPLAY_TIMEZONE"] = "Asia/Shanghai"


def _approved_item(db_session, users, code="SI-DSP-1"):
    item = f.complete_item(db_session, code=code)
    records.before_create(db_session, item, users["contact"])
    db_session.commit()
    workflow.submit(db_session, item, users["contact"])
    workflow.approve(db_session, item, users["reviewer"], PASSWORD)
    db_session.commit()
    return item


def test_print_and_item_page_show_signing_time_in_beijing_time(client_as, db_session, users):
    item = _approved_item(db_session, users)
    decision = db_session.query(ReviewDecision).filter_by(record_id=item.id).one()
    beijing = clock.local(decision.signed_at).strftime("%Y-%m-%d %H:%M")
    printed = client_as("reviewer").get(f"/workflow/service_item/{item.id}/print").text
    assert f">{beijing}</time>" in printed and "+08:00" in printed
    assert "本页时间均为北京时间（Asia/Shanghai）" in printed and "UTC" not in printed
    assert "onclick" not in printed  # the CSP forbids inline handlers
    page = client_as("contact").get(f"/serviceitemview/show/{item.id}").text
    assert f">{beijing}</time>" in page


def test_history_speaks_the_words_of_the_page_with_names_materials_and_nodes(
    client_as, db_session, users
):
    """Submit, approve, a material added and a lifecycle move, each in the page's words:
    labels not columns, names not user ids, choice labels not codes."""
    item = _approved_item(db_session, users, code="SI-DSP-2")
    workflow.revise(db_session, item, users["contact"])
    f.material(db_session, item, name="成绩单复印件", position=2)
    db_session.commit()
    lifecycle.move(
        db_session,
        item,
        users["contact"],
        "request_offline",
        note="业务合并",
        evidence=lifecycle.Evidence(no_classified=True),
    )
    db_session.commit()
    page = client_as("contact").get(f"/serviceitemview/show/{item.id}").text
    history = page[page.index('class="table table-condensed table-striped history"') :]
    assert "提交人</strong>：— → 测试t_contact" in history
    for words in ("审核人", "电子签名", "通过版本", "上线状态"):
        assert words in history, words
    assert "下线申请中" in history and "申报材料：成绩单复印件" in history
    assert "材料名称" in history and "流转环节：提交申请" in history
    for raw in (
        "Submitted",
        "submitted_by",
        "Lifecycle",
        "signature",
        "offline_requested",
        "Approved Version",
    ):
        assert raw not in history, raw


def test_an_improvable_item_does_not_read_online_and_the_page_says_where_it_stands(
    client_as, db_session, users
):
    item = f.complete_item(db_session, code="SI-DSP-3", running_status="improve")
    records.before_create(db_session, item, users["contact"])
    db_session.commit()
    assert item.lifecycle == "acceptance"
    page = client_as("contact").get(f"/serviceitemview/show/{item.id}").text
    status = page[page.index('id="workflow-panel"') : page.index("变更记录")]
    assert "已上线" not in status and "待部门验收" in status
    assert re.search(r"当前状况.*系统已搭建，待部门验收后上线", status)
    # Accepting it is one step of the chain (lifecycle.MOVES), not going online: it still says so.
    lifecycle.move(db_session, item, users["contact"], "accept", note="测试验收通过")
    db_session.commit()
    assert (item.lifecycle, item.running_status) == ("accepted", "improve")
    page = client_as("contact").get(f"/serviceitemview/show/{item.id}").text
    status = page[page.index('id="workflow-panel"') : page.index("变更记录")]
    assert "已上线" not in status and re.search(r"当前状况.*已验收，待培训宣传", status)


def test_public_diff_names_fields_by_label_with_old_and_new_values(client, db_session, users):
    from tests.test_publication import _approved, _publish, _reapprove

    item = _approved(db_session, users, "SI-DSP-PUB")
    _publish(db_session, users)
    _reapprove(db_session, users, item, tips="请携带学生证", time_limit_days=5)
    _publish(db_session, users)
    page = client.get("/public/versions/").text
    assert "办理提示</strong>：请提前申请 → 请携带学生证" in page
    assert "办理时限（工作日）</strong>：3 个工作日 → 5 个工作日" in page
    assert "time_limit_days" not in page and "tips" not in page
