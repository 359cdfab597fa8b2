"""What complete means is the campaign's rule set, kept as data by the IT office: required
fields block a submission, recommended ones only warn; changing a rule changes both at once,
in Python, in the board's SQL and in the items' stored flags."""

import re

import pytest
from sqlalchemy import select

from app.models import AuditEntry, CompletenessRule, ServiceItem
from app.models.completeness_rule import RULES
from app.services.catalog import completeness
from app.services.catalog.completeness_sql import item_incomplete
from app.services.errors import IncompleteRecordError
from app.services.review import workflow
from tests import factories as f


def _set(session, subject, key, level):
    rule = session.scalars(select(CompletenessRule).filter_by(subject=subject, field=key)).one()
    rule.level = level
    session.commit()
    return rule


def _guide_without_hours_or_materials(session, code="SI-CR-1"):
    """A real guide's shape: conditions, path, contact, limit and tips, no 办理时段 or list."""
    item = f.complete_item(session, code=code)
    item.service_hours = None
    for material in list(item.materials):
        session.delete(material)
    session.commit()
    session.refresh(item)
    return item


def test_every_checkable_field_has_a_seeded_row_with_its_default(db_session):
    rows = {(r.subject, r.field): r.level for r in db_session.scalars(select(CompletenessRule))}
    assert rows == {(rule.subject, rule.key): rule.default for rule in RULES}
    assert rows["service_item", "service_hours"] == rows["service_item", "materials"]
    assert rows["service_item", "materials"] == "recommended"


def test_a_guide_without_opening_hours_or_materials_is_submitted_with_warnings(db_session):
    item = _guide_without_hours_or_materials(db_session)
    assert completeness.missing(item) == []
    lacking = workflow.submit(db_session, item, f.user(db_session, "contact"))
    assert lacking == ["办理时段", "申报材料（至少一项）"]
    assert item.status == "submitted"


def test_making_a_rule_required_blocks_and_making_it_optional_silences(db_session):
    item = _guide_without_hours_or_materials(db_session)
    _set(db_session, "service_item", "service_hours", "required")
    _set(db_session, "service_item", "materials", "optional")
    with pytest.raises(IncompleteRecordError) as refused:
        workflow.submit(db_session, item, f.user(db_session, "contact"))
    assert "办理时段" in str(refused.value) and "申报材料" not in str(refused.value)
    db_session.rollback()
    _set(db_session, "service_item", "service_hours", "optional")
    _set(db_session, "service_item", "path", "recommended")
    item.path = None
    db_session.commit()
    assert workflow.submit(db_session, item, f.user(db_session, "contact")) == ["办理路径"]


def test_the_stored_flag_and_the_boards_sql_follow_a_rule_change(db_session):
    """The flag every item keeps is computed again when the rule set changes, and the SQL rule
    says what the Python rule says for the same rule set."""
    item = _guide_without_hours_or_materials(db_session)
    complete = f.complete_item(db_session, code="SI-CR-2")
    db_session.commit()

    def flags():
        db_session.expire_all()
        rule_set = completeness.rules(db_session)
        stored = dict(db_session.execute(select(ServiceItem.code, ServiceItem.incomplete)).all())
        by_sql = dict(db_session.execute(select(ServiceItem.code, item_incomplete(rule_set))).all())
        by_python = {
            i.code: bool(completeness.missing(i, rule_set))
            for i in db_session.scalars(select(ServiceItem))
        }
        assert {k: bool(v) for k, v in by_sql.items()} == by_python
        return {k: bool(v) for k, v in stored.items()}

    assert flags() == {item.code: False, complete.code: False}
    _set(db_session, "service_item", "service_hours", "required")
    assert flags() == {item.code: True, complete.code: False}
    _set(db_session, "service_item", "tips", "optional")
    _set(db_session, "service_item", "service_hours", "optional")
    assert flags() == {item.code: False, complete.code: False}


def test_contact_and_system_rules_are_read_from_the_same_table(db_session):
    contact = f.contact(db_session, knows_processes=True)  # no post
    system = f.complete_system(db_session, code="SYS-CR-1")
    system.vendor = None
    db_session.commit()
    assert completeness.missing(contact) == ["职务/岗位"]
    assert completeness.missing(system) == ["开发承建厂商"]
    _set(db_session, "contact", "post", "recommended")
    _set(db_session, "information_system", "vendor", "optional")
    assert completeness.missing(contact) == [] and completeness.warnings(contact) == ["职务/岗位"]
    assert completeness.missing(system) == completeness.warnings(system) == []


def _flashes(text):
    found = re.findall(r'class="alert alert-(\w+)"[^>]*>(.*?)</div>', text, re.S)
    return {kind: re.sub(r"<[^>]+>|&times;", "", body).strip() for kind, body in found}


def test_the_it_office_changes_a_rule_on_its_page_and_the_change_is_audited(client_as, db_session):
    item = _guide_without_hours_or_materials(db_session)
    rule = db_session.scalars(
        select(CompletenessRule).filter_by(subject="service_item", field="service_hours")
    ).one()
    admin = client_as("admin")
    listing = admin.get("/completenessruleview/list/?psize_CompletenessRuleView=100").text
    assert "办理时段" in listing and "建议填写（缺少时提醒）" in listing
    form = {"level": "required", "version_seen": str(rule.version)}
    response = admin.post(f"/completenessruleview/edit/{rule.id}", data=form)
    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.get(CompletenessRule, rule.id).level == "required"
    entry = db_session.scalars(
        select(AuditEntry)
        .filter_by(record_type="completeness_rule", record_id=rule.id)
        .order_by(AuditEntry.id)
    ).all()[-1]
    assert entry.action == "update" and "required" in entry.changes
    contact = client_as("contact")
    assert contact.get("/completenessruleview/list/").status_code in (302, 403)
    assert contact.post(f"/completenessruleview/edit/{rule.id}", data=form).status_code in (
        302,
        403,
    )
    page = contact.get(f"/serviceitemview/show/{item.id}").text
    assert "提交前须补充" in page and "办理时段" in page
    response = contact.post(f"/workflow/service_item/{item.id}/submit")
    assert "不能提交" in _flashes(contact.get(response.headers["Location"]).text)["danger"]


def test_a_submission_with_recommended_fields_missing_says_what_to_add(client_as, db_session):
    item = _guide_without_hours_or_materials(db_session)
    contact = client_as("contact")
    page = contact.get(f"/serviceitemview/show/{item.id}").text
    assert "建议补充（可以提交）" in page and "提交前须补充" not in page
    response = contact.post(f"/workflow/service_item/{item.id}/submit")
    flashes = _flashes(contact.get(response.headers["Location"]).text)
    assert "已提交审核" in flashes["success"]
    assert "建议补充：办理时段、申报材料（至少一项）" in flashes["warning"]
