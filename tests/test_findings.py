"""Governance findings: each rule on records built for it, with the cases that must not fire,
the thresholds the IT office tunes, and the department scope."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from app.models import Capability, FindingSetting
from app.services.errors import DomainError
from app.services.insight import finding_actions, findings
from tests import factories as f


@pytest.fixture(autouse=True)
def _fresh_cache():
    findings.clear_cache()
    yield
    findings.clear_cache()


def _fired(session, rule):
    """The findings of `rule` as {(record type, id) of the first record: finding}."""
    return {x.records[0]: x for x in findings.compute(session) if x.rule == rule}


def _item_ids(session, rule):
    return {rid for (kind, rid) in _fired(session, rule) if kind == "service_item"}


def _nodes(session, item, *specs):
    """specs: (kind, department code or None, post, level, days)."""
    for position, (kind, dept, post, level, days) in enumerate(specs, 1):
        f.process_node(
            session,
            item,
            name=f"环节{position}",
            position=position,
            kind=kind,
            handling_department=f.department(session, dept) if dept else None,
            handling_post=post,
            approval_level=level,
            time_limit_days=days,
        )


def test_same_department_and_post_reviewing_twice_fires_and_saves_the_shorter_days(db_session):
    twice = f.service_item(db_session, code="SI-1")
    _nodes(
        db_session,
        twice,
        ("review", "T01", "科员", 1, 2),
        ("review", "T01", "科员", 2, 3),
        ("approve", "T01", "处长", 3, 1),
    )
    once = f.service_item(db_session, code="SI-2")
    _nodes(db_session, once, ("review", "T01", "科员", 1, 2), ("approve", "T01", "处长", 2, 1))
    # Submitting and completing are not reviews, even by the same post.
    done = f.service_item(db_session, code="SI-3")
    _nodes(
        db_session, done, ("submit", "T01", "科员", None, 0), ("complete", "T01", "科员", None, 1)
    )
    fired = _fired(db_session, "repeat_reviewer")
    assert set(fired) == {("service_item", twice.id)}
    finding = fired[("service_item", twice.id)]
    assert finding.days_saved == 2
    why, change = findings.explain(finding, {f.department(db_session).id: "测试教务处"})
    assert "2 个审核或审批环节" in why and "测试教务处科员" in why and "2 个工作日" in change


def test_repeat_reviewer_by_department_alone_when_tuned(db_session):
    item = f.service_item(db_session, code="SI-1")
    _nodes(db_session, item, ("review", "T01", "科员", 1, 2), ("approve", "T01", "处长", 2, 1))
    assert not _fired(db_session, "repeat_reviewer")
    db_session.add(FindingSetting(rule="repeat_reviewer", params='{"match": "department"}'))
    db_session.flush()
    assert set(_fired(db_session, "repeat_reviewer")) == {("service_item", item.id)}


def test_more_levels_than_the_kind_needs(db_session):
    deep = f.service_item(db_session, code="SI-1", kind="service")
    _nodes(
        db_session,
        deep,
        ("review", "T01", "a", 1, 1),
        ("review", "T02", "b", 2, 2),
        ("approve", None, "分管校领导", 3, 4),
    )
    # The same depth is within what an approval item may need (4 by default).
    approval = f.service_item(db_session, code="SI-2", kind="approval")
    _nodes(
        db_session,
        approval,
        ("review", "T01", "a", 1, 1),
        ("review", "T02", "b", 2, 2),
        ("approve", None, "分管校领导", 3, 4),
    )
    fired = _fired(db_session, "too_many_levels")
    assert set(fired) == {("service_item", deep.id)}
    assert fired[("service_item", deep.id)].days_saved == 4
    why, _change = findings.explain(fired[("service_item", deep.id)])
    assert "3 级" in why and "服务类" in why and "2 级" in why


def test_neighbouring_countersigns_on_different_levels_run_in_sequence(db_session):
    serial = f.service_item(db_session, code="SI-1")
    _nodes(
        db_session,
        serial,
        ("countersign", "T01", "a", 1, 3),
        ("countersign", "T02", "b", 2, 5),
        ("approve", "T01", "c", 3, 1),
    )
    parallel = f.service_item(db_session, code="SI-2")
    _nodes(
        db_session,
        parallel,
        ("countersign", "T01", "a", 1, 3),
        ("countersign", "T02", "b", 1, 5),
    )
    apart = f.service_item(db_session, code="SI-3")
    _nodes(
        db_session,
        apart,
        ("countersign", "T01", "a", 1, 3),
        ("review", "T01", "x", 2, 1),
        ("countersign", "T02", "b", 3, 5),
    )
    fired = _fired(db_session, "serial_countersigns")
    assert set(fired) == {("service_item", serial.id)}
    assert fired[("service_item", serial.id)].days_saved == 3


def test_node_limits_adding_up_past_the_promise(db_session):
    over = f.service_item(db_session, code="SI-1", time_limit_days=5)
    _nodes(db_session, over, ("review", "T01", "a", 1, 3), ("approve", "T01", "b", 2, 4))
    # A countersign block on one level counts once (its slowest node): 2 + max(3, 4) = 6.
    within = f.service_item(db_session, code="SI-2", time_limit_days=6)
    _nodes(
        db_session,
        within,
        ("review", "T01", "a", 1, 2),
        ("countersign", "T01", "b", 2, 3),
        ("countersign", "T02", "c", 2, 4),
    )
    unknown = f.service_item(db_session, code="SI-3", time_limit_days=None)
    _nodes(db_session, unknown, ("review", "T01", "a", 1, 30))
    fired = _fired(db_session, "limits_exceed")
    assert set(fired) == {("service_item", over.id)}
    assert fired[("service_item", over.id)].days_saved == 2
    assert "合计 7 个工作日" in findings.explain(fired[("service_item", over.id)])[0]


def test_unknown_node_limits_never_count_as_zero_days_saved(db_session):
    """A blank or unreadable node limit makes the saving unknown (数据不足), not 0 or the sum of
    the known limits; the finding itself still fires."""
    twice = f.service_item(db_session, code="SI-1")
    _nodes(
        db_session,
        twice,
        ("review", "T01", "科员", 1, 2),
        ("review", "T01", "科员", 2, None),
    )
    deep = f.service_item(db_session, code="SI-2", kind="service")
    _nodes(
        db_session,
        deep,
        ("review", "T01", "a", 1, 1),
        ("review", "T02", "b", 2, 2),
        ("approve", None, "分管校领导", 3, None),
    )
    serial = f.service_item(db_session, code="SI-3")
    _nodes(
        db_session,
        serial,
        ("countersign", "T01", "a", 1, 3),
        ("countersign", "T02", "b", 2, None),
    )
    for rule, item in (
        ("repeat_reviewer", twice),
        ("too_many_levels", deep),
        ("serial_countersigns", serial),
    ):
        finding = _fired(db_session, rule)[("service_item", item.id)]
        assert finding.days_saved is None, rule
        change = findings.explain(finding, {})[1]
        assert "数据不足" in change and "0 个工作日" not in change, rule
    # The words a guide gives are read: "尽快" says nothing, so the node's days stay unknown.
    node = twice.nodes[1]
    node.time_limit = "尽快"
    assert node.time_limit_days is None and node.time_limit_low is None
    node.time_limit = "即办"
    assert node.time_limit_days == 0


def test_offline_items_are_left_out(db_session):
    gone = f.service_item(db_session, code="SI-1", lifecycle="offline")
    _nodes(db_session, gone, ("review", "T01", "科员", 1, 2), ("review", "T01", "科员", 2, 3))
    assert not _fired(db_session, "repeat_reviewer")


def _capability(session, code, name):
    row = Capability(code=code, name=name)
    session.add(row)
    session.flush()
    return row


def test_systems_of_different_departments_sharing_a_capability(db_session):
    repair = _capability(db_session, "repair", "报修")
    leave = _capability(db_session, "leave", "请假")
    a = f.information_system(
        db_session, code="S1", name="后勤报修系统", annual_om_cost=Decimal("3")
    )
    b = f.information_system(
        db_session, code="S2", name="学生事务平台", dept="T02", annual_om_cost=Decimal("5")
    )
    c = f.information_system(db_session, code="S3", name="请假系统")
    d = f.information_system(db_session, code="S4", name="考勤系统")
    a.capabilities.append(repair)
    b.capabilities.append(repair)
    c.capabilities.append(leave)
    d.capabilities.append(leave)  # same department: not a duplicate platform
    f.service_item(db_session, code="SI-1", hosting_system=b)
    db_session.flush()
    fired = [x for x in findings.compute(db_session) if x.rule == "shared_capability"]
    assert len(fired) == 1
    finding = fired[0]
    assert finding.records == (("information_system", b.id), ("information_system", a.id))
    assert finding.systems_retired == 1 and finding.cost_saved == Decimal("3")
    assert finding.owner_id == a.department_id
    why, change = findings.explain(finding)
    assert "报修" in why and "整合到“学生事务平台”" in change and "3.00 万元" in change


def test_similar_names_across_departments(db_session):
    f.information_system(db_session, code="S1", name="学生请假管理系统")
    f.information_system(db_session, code="S2", name="学生请假平台", dept="T02")
    f.information_system(db_session, code="S3", name="教务管理系统")
    f.information_system(db_session, code="S4", name="教务系统（二期）")  # same department
    fired = [x for x in findings.compute(db_session) if x.rule == "similar_names"]
    assert [x.facts["core"] for x in fired] == ["学生请假"]


def test_items_of_one_name_hosted_on_several_systems(db_session):
    a = f.information_system(db_session, code="S1", name="甲")
    b = f.information_system(db_session, code="S2", name="乙", dept="T02")
    f.service_item(db_session, code="SI-1", name="学生请假", hosting_system=a)
    f.service_item(db_session, code="SI-2", name="学生请假", dept="T02", hosting_system=b)
    f.service_item(db_session, code="SI-3", name="成绩证明", hosting_system=a)
    f.service_item(db_session, code="SI-4", name="成绩证明", dept="T02", hosting_system=a)
    fired = [x for x in findings.compute(db_session) if x.rule == "kind_on_many_systems"]
    assert [x.facts["item"] for x in fired] == ["学生请假"]
    assert fired[0].departments == tuple(sorted({a.department_id, b.department_id}))


def test_isolated_system_needs_both_no_portal_and_no_sharing(db_session):
    alone = f.information_system(db_session, code="S1", data_silo=True, portal_integration="none")
    f.information_system(db_session, code="S2", data_silo=True, portal_integration="full")
    f.information_system(db_session, code="S3", data_silo=False, portal_integration="none")
    assert set(_fired(db_session, "isolated_system")) == {("information_system", alone.id)}


def test_materials_a_registered_system_holds_are_one_form_candidates(db_session):
    academic = f.information_system(db_session, code="S1", name="教务管理系统")
    item = f.service_item(db_session, code="SI-1")
    f.material(db_session, item, name="本人成绩单")
    f.material(db_session, item, name="身份证复印件")
    # 在职证明 maps to 人事, and no system holds HR data here: nothing to name, no finding.
    other = f.service_item(db_session, code="SI-2")
    f.material(db_session, other, name="在职证明")
    fired = _fired(db_session, "one_form_candidate")
    assert set(fired) == {("service_item", item.id)}
    finding = fired[("service_item", item.id)]
    assert ("information_system", academic.id) in finding.records
    assert finding.fields_saved == 1
    why, change = findings.explain(finding)
    assert "本人成绩单" in why and "教务管理系统" in why and "一表通" in change


def test_good_item_on_a_system_not_live_or_not_integrated(db_session):
    live = f.information_system(
        db_session, code="S1", go_live_date=date(2020, 1, 1), portal_integration="full"
    )
    future = f.information_system(
        db_session,
        code="S2",
        go_live_date=date.today() + timedelta(days=30),
        portal_integration="full",
    )
    sso = f.information_system(
        db_session, code="S3", go_live_date=date(2020, 1, 1), portal_integration="sso"
    )
    f.service_item(db_session, code="SI-1", hosting_system=live, online_entry="x")
    bad1 = f.service_item(db_session, code="SI-2", hosting_system=future, online_entry="x")
    bad2 = f.service_item(db_session, code="SI-3", hosting_system=sso, online_entry="x")
    f.service_item(db_session, code="SI-4", hosting_system=sso, running_status="improve")
    assert _item_ids(db_session, "good_host_not_live") == {bad1.id, bad2.id}


def test_online_item_without_host_or_entry(db_session):
    system = f.information_system(db_session, code="S1")
    f.service_item(db_session, code="SI-1", hosting_system=system, online_entry="门户—应用中心")
    no_host = f.service_item(db_session, code="SI-2", online_entry="门户—应用中心")
    no_entry = f.service_item(db_session, code="SI-3", hosting_system=system, online_entry=" ")
    f.service_item(db_session, code="SI-4", running_status="deploy")
    fired = _fired(db_session, "online_without_host")
    assert {rid for _k, rid in fired} == {no_host.id, no_entry.id}
    assert "承载系统" in findings.explain(fired[("service_item", no_host.id)])[0]


def test_system_hosting_no_item_is_a_retirement_candidate_with_its_cost(db_session):
    used = f.information_system(db_session, code="S1")
    idle = f.information_system(db_session, code="S2", annual_om_cost=Decimal("12.5"))
    f.service_item(db_session, code="SI-1", hosting_system=used)
    fired = _fired(db_session, "idle_system")
    assert set(fired) == {("information_system", idle.id)}
    assert fired[("information_system", idle.id)].cost_saved == Decimal("12.5")
    assert "12.5" in findings.explain(fired[("information_system", idle.id)])[1]


def test_department_without_both_contact_duties(db_session):
    f.contact(db_session, name="甲", knows_processes=True)
    f.contact(db_session, name="乙", administers_systems=True)
    f.contact(db_session, dept="T02", name="丙", knows_processes=True)
    fired = _fired(db_session, "contact_duties")
    t02 = f.department(db_session, "T02").id
    assert ("department", f.department(db_session).id) not in fired
    assert "担任管理系统实际管理员" in findings.explain(fired[("department", t02)])[0]


def test_entry_outside_the_hosting_systems_domain(db_session):
    system = f.information_system(db_session, code="S1", url="https://jwxt.example.edu.cn")
    f.service_item(
        db_session,
        code="SI-1",
        hosting_system=system,
        online_entry="https://ehall.example.edu.cn/a",
    )
    off = f.service_item(
        db_session, code="SI-2", hosting_system=system, online_entry="https://wj.qq.com/s/1"
    )
    f.service_item(db_session, code="SI-3", hosting_system=system, online_entry="门户—应用中心")
    bare = f.information_system(db_session, code="S2", url=None)
    f.service_item(db_session, code="SI-4", hosting_system=bare, online_entry="https://wj.qq.com")
    assert _item_ids(db_session, "entry_off_domain") == {off.id}
    db_session.add(
        FindingSetting(rule="entry_off_domain", params='{"allowed_domains": ["qq.com"]}')
    )
    db_session.flush()
    assert not _item_ids(db_session, "entry_off_domain")


def test_a_rule_switched_off_finds_nothing(db_session):
    f.information_system(db_session, code="S1")
    assert _fired(db_session, "idle_system")
    db_session.add(FindingSetting(rule="idle_system", enabled=False))
    db_session.flush()
    assert not _fired(db_session, "idle_system")


@pytest.mark.parametrize(
    "text,message",
    [
        ("[1]", "JSON 对象"),
        ("{bad", "JSON 对象"),
        ('{"nope": 1}', "没有参数"),
        ('{"slack_days": "3"}', "类型"),
    ],
)
def test_bad_thresholds_are_refused_in_chinese(text, message):
    with pytest.raises(DomainError, match=message):
        findings.parse_params("limits_exceed", text)


def test_a_contact_sees_only_findings_concerning_their_department(db_session):
    mine = f.information_system(db_session, code="S1")
    theirs = f.information_system(db_session, code="S2", dept="T02")
    shared = _capability(db_session, "repair", "报修")
    mine.capabilities.append(shared)
    theirs.capabilities.append(shared)
    db_session.flush()
    contact = f.user(db_session, "contact")
    seen = finding_actions.visible(db_session, contact)
    idle = {x.records[0] for x in seen if x.rule == "idle_system"}
    assert idle == {("information_system", mine.id)}
    assert any(x.rule == "shared_capability" for x in seen)  # it concerns T01 too
    counts = finding_actions.department_counts(db_session, contact)
    assert set(counts) == {f.department(db_session).id}
    every = finding_actions.department_counts(db_session, f.user(db_session, "admin"))
    assert every[theirs.department_id] >= 2


def test_findings_are_cached_per_data_version(db_session):
    f.information_system(db_session, code="S1")
    db_session.commit()
    first = findings.compute(db_session)
    assert findings.compute(db_session) is first
    f.information_system(db_session, code="S2")
    assert findings.compute(db_session) is not first  # uncommitted change: computed afresh
    db_session.commit()
    again = findings.compute(db_session)
    assert len([x for x in again if x.rule == "idle_system"]) == 2
