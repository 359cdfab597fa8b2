"""Flowcharts drawn from process nodes: valid images, CJK glyphs, parallel countersign, cache."""

import warnings
import xml.etree.ElementTree as ET

import pytest

from app.reports import flowchart
from tests import factories as f

ROWS = [
    {
        "position": 1,
        "name": "提交申请",
        "kind": "submit",
        "handling_department_name": "学生处",
        "handling_post": "",
        "time_limit_days": None,
    },
    {
        "position": 2,
        "name": "财务处会签",
        "kind": "countersign",
        "handling_department_name": "财务处",
        "handling_post": "科长",
        "time_limit_days": 2,
    },
    {
        "position": 3,
        "name": "教务处会签",
        "kind": "countersign",
        "handling_department_name": "教务处",
        "handling_post": "科长",
        "time_limit_days": 2,
    },
    {
        "position": 4,
        "name": "分管校领导审批",
        "kind": "approve",
        "handling_department_name": "校领导",
        "handling_post": "",
        "time_limit_days": 3,
    },
]


def test_countersign_nodes_run_in_parallel():
    grouped = flowchart.levels(flowchart.node_dicts(ROWS))
    assert [[r["name"] for r in level] for level in grouped] == [
        ["提交申请"],
        ["财务处会签", "教务处会签"],
        ["分管校领导审批"],
    ]


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_chart_is_a_valid_image_with_no_missing_glyph(app, fmt):
    with app.test_request_context(), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = flowchart.draw(flowchart.node_dicts(ROWS), fmt)
    assert not [w for w in caught if "glyph" in str(w.message).lower()], caught
    if fmt == "png":
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 5000
    else:
        root = ET.fromstring(data)
        assert root.tag.endswith("svg")


def test_chart_is_redrawn_only_when_nodes_change(app, monkeypatch):
    calls = []
    real = flowchart.draw
    monkeypatch.setattr(flowchart, "draw", lambda rows, fmt: calls.append(1) or real(rows, fmt))
    rows = [dict(r, name=r["name"] + "（缓存）") for r in ROWS]
    with app.test_request_context():
        first = flowchart.flowchart(rows, "svg")
        again = flowchart.flowchart(rows, "svg")
        rows[0]["time_limit_days"] = 9
        changed = flowchart.flowchart(rows, "svg")
    assert first == again and len(calls) == 2 and changed != first


def test_item_page_shows_its_flowchart_within_scope(client_as, db_session):
    item = f.complete_item(db_session, code="SI-FLOW")
    db_session.commit()
    contact = client_as("contact")
    assert "flowchart.svg" in contact.get(f"/serviceitemview/show/{item.id}").text
    response = contact.get(f"/workflow/service_item/{item.id}/flowchart.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert (
        client_as("contact_other")
        .get(f"/workflow/service_item/{item.id}/flowchart.png")
        .status_code
        == 404
    )


def test_item_page_asks_for_a_new_flowchart_when_a_node_is_added(client_as, db_session):
    """The image URL carries a digest of the nodes, so a browser never shows a stale chart."""
    import re

    item = f.complete_item(db_session, code="SI-FLOW-KEY")
    db_session.commit()
    admin = client_as("admin")

    def chart_url():
        page = admin.get(f"/serviceitemview/show/{item.id}").text
        return re.search(r'src="([^"]*flowchart\.svg\?v=[0-9a-f]+)"', page).group(1)

    before = chart_url()
    response = admin.post(
        f"/processnodeview/add?_flt_0_item={item.id}",
        data={"position": "9", "name": "新增归档环节", "kind": "complete"},
    )
    assert response.status_code == 302
    after = chart_url()
    assert after != before
    assert "新增归档环节" in admin.get(after).text
