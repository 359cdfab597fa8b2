"""Governance findings on how an item is handled and on its sheet: a 即办件 with approval
nodes, a node whose handling unit has no active filed handler, and a process listed in 附件3
without its 一事一单; each on records built for it, with the cases that must not fire."""

import pytest

from app.models import FindingSetting, RectificationTask
from app.services.insight import findings
from tests import factories as f


@pytest.fixture(autouse=True)
def _fresh_cache():
    findings.clear_cache()
    yield
    findings.clear_cache()


def _fired(session, rule):
    """The findings of `rule` as {(record type, id) of the first record: [findings]}."""
    found = {}
    for x in findings.compute(session):
        if x.rule == rule:
            found.setdefault(x.records[0], []).append(x)
    return found


def _item_ids(session, rule):
    return {rid for (kind, rid) in _fired(session, rule) if kind == "service_item"}


def _node(session, item, position, kind, dept=None, limit=None):
    return f.process_node(
        session,
        item,
        name=f"环节{position}",
        position=position,
        kind=kind,
        handling_department=f.department(session, dept) if dept else None,
        time_limit=limit,
    )


def test_an_instant_item_with_approval_nodes_fires_with_the_days_it_waits(db_session):
    instant = f.service_item(db_session, code="SI-1", promised_limit="即办件")
    assert instant.handling_type == "immediate"
    _node(db_session, instant, 1, "submit")
    _node(db_session, instant, 2, "approve", "T01", "2个工作日")
    _node(db_session, instant, 3, "countersign", "T02", "1个工作日")
    # A 即办件 whose nodes only accept and complete on the spot is what 即办 means.
    on_the_spot = f.service_item(db_session, code="SI-2", promised_limit="即办件")
    _node(db_session, on_the_spot, 1, "submit")
    _node(db_session, on_the_spot, 2, "complete", None, "即办")
    # A 承诺件 with the same approvals is not a contradiction.
    promised = f.service_item(db_session, code="SI-3", promised_limit="5个工作日")
    _node(db_session, promised, 1, "approve", "T01", "2个工作日")
    # Nor is a 即办件 taken offline.
    gone = f.service_item(db_session, code="SI-4", promised_limit="即办件", lifecycle="offline")
    _node(db_session, gone, 1, "approve", "T01", "2个工作日")
    fired = _fired(db_session, "instant_with_approval")
    assert set(fired) == {("service_item", instant.id)}
    (finding,) = fired[("service_item", instant.id)]
    assert finding.days_saved == 3
    why, change = findings.explain(finding)
    assert "即办件" in why and "2 个审批或会签环节" in why
    assert "3 个工作日" in change and "承诺件" in change


def test_an_instant_items_unknown_node_limit_is_not_counted_as_zero(db_session):
    instant = f.service_item(db_session, code="SI-1", handling_type="immediate")
    _node(db_session, instant, 1, "approve", "T01", "尽快")
    (finding,) = _fired(db_session, "instant_with_approval")[("service_item", instant.id)]
    assert finding.days_saved is None
    assert "数据不足" in findings.explain(finding)[1]


def test_the_it_office_names_which_node_kinds_break_an_instant_item(db_session):
    instant = f.service_item(db_session, code="SI-1", handling_type="immediate")
    _node(db_session, instant, 1, "review", "T01", "1个工作日")
    assert not _item_ids(db_session, "instant_with_approval")
    db_session.add(
        FindingSetting(rule="instant_with_approval", params='{"node_kinds": ["review", "approve"]}')
    )
    db_session.flush()
    assert _item_ids(db_session, "instant_with_approval") == {instant.id}


def test_a_live_items_node_without_a_filed_handler_fires_for_its_handling_unit(db_session):
    live = f.service_item(db_session, code="SI-1", lifecycle="online")
    own = _node(db_session, live, 1, "review")  # the item's own unit handles it
    other = _node(db_session, live, 2, "countersign", "T02")
    left = _node(db_session, live, 3, "approve", "T02")
    f.handler_assignment(db_session, own)
    f.handler_assignment(db_session, left, status="ended")  # left, nobody filed after
    f.handler_assignment(db_session, other, status="approved")  # approved is not yet filed
    fired = _fired(db_session, "node_without_handler")
    (finding,) = fired[("service_item", live.id)]
    t02 = f.department(db_session, "T02")
    assert finding.records == (("service_item", live.id), ("department", t02.id))
    assert finding.owner_id == t02.id
    assert set(finding.departments) == {live.department_id, t02.id}
    assert finding.facts["count"] == 2
    why, change = findings.explain(finding, {t02.id: "测试学工部"})
    assert "已上线" in why and "2 个环节" in why and "测试学工部" in why
    assert "备案" in change


def test_handled_nodes_and_items_not_live_or_going_live_do_not_fire(db_session):
    covered = f.service_item(db_session, code="SI-1", lifecycle="confirming")
    f.handler_assignment(db_session, _node(db_session, covered, 1, "review"))
    f.handler_assignment(db_session, _node(db_session, covered, 2, "approve", "T02"))
    planned = f.service_item(db_session, code="SI-2", lifecycle="planned")
    _node(db_session, planned, 1, "review")
    gone = f.service_item(db_session, code="SI-3", lifecycle="offline")
    _node(db_session, gone, 1, "review")
    going = f.service_item(db_session, code="SI-4", lifecycle="accepted")
    _node(db_session, going, 1, "review")
    assert _item_ids(db_session, "node_without_handler") == {going.id}


def test_a_handler_filed_for_another_unit_does_not_cover_the_node(db_session):
    """The node's handling department was changed after the filing: the old unit's handler
    no longer covers it."""
    live = f.service_item(db_session, code="SI-1", lifecycle="online")
    node = _node(db_session, live, 1, "review")
    f.handler_assignment(db_session, node)
    assert not _item_ids(db_session, "node_without_handler")
    node.handling_department = f.department(db_session, "T02")
    db_session.flush()
    assert _item_ids(db_session, "node_without_handler") == {live.id}


def test_the_it_office_tunes_which_items_and_nodes_need_a_handler(db_session):
    live = f.service_item(db_session, code="SI-1", lifecycle="online")
    _node(db_session, live, 1, "submit")
    going = f.service_item(db_session, code="SI-2", lifecycle="confirming")
    _node(db_session, going, 1, "review")
    assert _item_ids(db_session, "node_without_handler") == {live.id, going.id}
    db_session.add(
        FindingSetting(
            rule="node_without_handler",
            params='{"lifecycles": ["online", "confirming"], "skip_kinds": ["submit"]}',
        )
    )
    db_session.flush()
    assert _item_ids(db_session, "node_without_handler") == {going.id}


def test_a_process_listed_without_its_sheet(db_session):
    listed = f.service_item(db_session, code="SI-1", name="校园卡补办")  # as 附件3 imports it
    with_nodes = f.service_item(db_session, code="SI-2")
    _node(db_session, with_nodes, 1, "review")
    with_materials = f.service_item(db_session, code="SI-3")
    f.material(db_session, with_materials)
    with_text = f.service_item(db_session, code="SI-4", conditions="在校学生")
    blank_text = f.service_item(db_session, code="SI-5", path="   ")
    f.service_item(db_session, code="SI-6", lifecycle="offline")
    fired = _fired(db_session, "listed_without_sheet")
    assert set(fired) == {("service_item", listed.id), ("service_item", blank_text.id)}
    assert with_text.id not in _item_ids(db_session, "listed_without_sheet")
    why, change = findings.explain(fired[("service_item", listed.id)][0])
    assert "附件3" in why and "流转环节" in why and "一事一单" in change


def test_the_sheet_parts_that_count_are_tunable(db_session):
    only_text = f.service_item(db_session, code="SI-1", conditions="在校学生", path="线上提交")
    assert not _item_ids(db_session, "listed_without_sheet")
    db_session.add(
        FindingSetting(rule="listed_without_sheet", params='{"parts": ["materials", "nodes"]}')
    )
    db_session.flush()
    assert _item_ids(db_session, "listed_without_sheet") == {only_text.id}


def test_the_page_shows_a_handler_gap_to_both_units_with_its_words(db_session, client_as):
    """The finding concerns the owning unit and the handling unit; a ledger task goes to the
    handling unit, which must file the handler."""
    live = f.service_item(db_session, code="SI-1", name="学生证补办", lifecycle="online")
    _node(db_session, live, 1, "countersign", "T02")
    db_session.commit()
    url = "/findings/?rule=node_without_handler"
    for role in ("contact", "contact_other"):
        page = client_as(role).get(url).get_data(as_text=True)
        assert "学生证补办" in page and "没有已备案的在岗办理人" in page, role
    (finding,) = _fired(db_session, "node_without_handler")[("service_item", live.id)]
    assert client_as("contact_other").post(f"/findings/open/{finding.key}").status_code == 302
    task = db_session.query(RectificationTask).one()
    assert task.department_id == f.department(db_session, "T02").id
