"""Public pages, the three lists, the print sheets and the flowchart say an item's time limit,
audience and materials as the guide wrote them (labels, never codes), and versions published
before the structured fields existed still read."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.models import ProcessNode, PublicationItem
from app.models import guide_words as words
from app.models.base import utcnow
from app.reports import flowchart
from app.services.publish import lists, publication
from app.services.review import workflow
from tests import factories as f
from tests.factories import PASSWORD

RAW_CODES = ("original", "applicant", "staff", "undergraduate", "immediate", "promised")


@pytest.fixture
def users(db_session):
    return {role: f.user(db_session, role) for role in f.ROLE_USERS}


def _guide_item(session, users, code="SI-GW-1", **values):
    values = {
        "name": "在职证明开具",
        "kind": "approval",
        "handling_type": "immediate",
        "promised_limit": "当场办结",
        "statutory_limit": "20个工作日",
        "user_groups": "staff,undergraduate",
        "audience_note": "访问学者",
    } | values
    item = f.complete_item(session, code=code, name=values.pop("name"), kind=values.pop("kind"))
    item.promised_limit = values.pop("promised_limit")
    for key, value in values.items():
        setattr(item, key, value)
    item.materials[0].form = "original,copy"
    item.materials[0].source = "applicant"
    item.materials[0].copies = None
    item.nodes[1].time_limit = "1-3天"
    session.commit()
    workflow.submit(session, item, users["contact"])
    workflow.approve(session, item, users["reviewer"], PASSWORD)
    session.commit()
    return item


def _publish(session, users):
    today = utcnow().date()
    pub = publication.publish(
        session, users["reviewer"], PASSWORD, today - timedelta(days=1), today + timedelta(days=9)
    )
    session.commit()
    return pub


def test_lists_show_the_guides_words_and_labels(db_session, users):
    """服务清单 and 审批清单: 办件类型 with the promised and statutory limits in the guide's words,
    audiences by label plus the remainder, forms as "原件、复印件" with the source; a blank copies
    count is not shown as 1."""
    _guide_item(db_session, users)
    items = lists.current_items(db_session)
    service = lists.service_rows(items)[0]
    assert service[4] == "教职工、本科生、访问学者"
    assert service[6] == "1. 申请表（原件、复印件，申请人提供）"
    assert service[8] == "即办件；承诺办结时限：当场办结；法定办结时限：20个工作日"
    approval = lists.approval_rows(items)[0]
    assert "部门审核（审核；1-3天）" in approval[4]
    assert approval[5] == service[8]
    flat = json.dumps([service, approval], ensure_ascii=False)
    assert not any(code in flat for code in RAW_CODES)


def test_a_blank_limit_reads_unfilled_never_zero_or_immediate(db_session):
    item = f.complete_item(db_session, code="SI-GW-2")
    item.promised_limit = None
    item.handling_type = None
    db_session.commit()
    assert item.time_limit_days is None and words.time_limit(item) == "未填写"
    item.statutory_limit = "20个工作日"
    assert words.time_limit(item) == "法定办结时限：20个工作日"
    assert words.time_limit({"time_limit_days": None}) == "未填写"
    assert words.limit_state(None) == "未填写" and words.limit_state("尽快") == "无法识别"
    assert words.limit_state("5个工作日") is None


def test_public_pages_and_print_sheet_show_labels_not_codes(client, client_as, db_session, users):
    item = _guide_item(db_session, users, code="SI-GW-3")
    pub = _publish(db_session, users)
    page = client.get(f"/public/items/SI-GW-3?v={pub.number}").text
    assert "即办件；承诺办结时限：当场办结；法定办结时限：20个工作日" in page
    assert "教职工、本科生、访问学者" in page and "原件、复印件，申请人提供" in page
    assert "1-3天" in page
    listing = client.get(f"/public/versions/{pub.number}/").text
    assert "承诺办结时限：当场办结" in listing
    for text in (page, listing):
        assert not any(f">{code}<" in text or f"（{code}" in text for code in RAW_CODES)
    printed = client_as("reviewer").get(f"/workflow/service_item/{item.id}/print").text
    assert "教职工、本科生、访问学者" in printed and "当场办结" in printed
    assert "原件、复印件，申请人提供" in printed


def test_versions_published_before_the_words_still_read(client, db_session, users):
    """A published row that holds only time_limit_days (and single-code forms) still renders:
    its figure in working days, 0 as 即办件, never an error or a blank."""
    _guide_item(db_session, users, code="SI-GW-OLD")
    pub = _publish(db_session, users)
    row = db_session.scalars(select(PublicationItem).filter_by(code="SI-GW-OLD")).one()
    data = json.loads(row.data)
    for key in ("handling_type", "promised_limit", "statutory_limit", "audience_note"):
        data.pop(key, None)
    data["time_limit_days"] = 4
    for material in data["materials"]:
        material.pop("source", None)
        material["form"] = "copy"
    for node in data["nodes"]:
        node.pop("time_limit", None)
        node["time_limit_days"] = 0 if node["position"] == 1 else 2
    row.data = json.dumps(data, ensure_ascii=False)
    db_session.commit()
    page = client.get(f"/public/items/SI-GW-OLD?v={pub.number}")
    assert page.status_code == 200
    assert "4 个工作日" in page.text and "申请表（复印件）" in page.text
    assert "提交申请（提交；即办件）" in page.text and "2 个工作日" in page.text
    listing = client.get(f"/public/versions/{pub.number}/").text
    assert "4 个工作日" in listing
    chart = client.get(f"/public/versions/{pub.number}/items/SI-GW-OLD/flowchart.svg")
    assert chart.status_code == 200
    rows = lists.service_rows(publication.items_of(db_session, pub))
    assert rows[0][8] == "4 个工作日"


def test_flowchart_boxes_carry_the_nodes_own_words(app, db_session):
    item = f.complete_item(db_session, code="SI-GW-FC")
    node = db_session.scalars(select(ProcessNode).filter_by(item_id=item.id, position=2)).one()
    node.time_limit = "5个工作日（不含节假日）"
    db_session.commit()
    with app.test_request_context():
        rows = flowchart.node_dicts(item.nodes)
    assert rows[1]["limit"] == "5个工作日（不含节假日）" and rows[0]["limit"] is None
