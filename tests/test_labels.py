"""Labels live on the model columns, and one registry names every kind of record.

`app.models.labels` reads what a column is called (and its help text, choices and value rules);
FAB views, sheets and histories take them from there. `app.models.registry` lists the record
types (model, key, view, reviewable, audited, children); `record_url()` opens a record's page.
"""

from datetime import date

import pytest

from app.models import (
    AudienceGroup,
    CalendarDay,
    Capability,
    Case,
    CaseFile,
    CaseRating,
    CaseTask,
    CompletenessRule,
    Contact,
    FindingSetting,
    HallStep,
    InformationSystem,
    Material,
    ProcessNode,
    RectificationTask,
    ServiceItem,
    labels,
    registry,
)
from app.models.base import VersionedMixin, utcnow
from app.models.choices import DISPOSITION, USER_GROUP
from app.services.insight import findings
from app.services.review import workflow
from app.services.sheets import specs
from app.services.trail import audit
from app.views.base import ConsoleModelView
from tests import factories as f


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield


def _model_views(app):
    from app.extensions import appbuilder

    return [v for v in appbuilder.baseviews if isinstance(v, ConsoleModelView)]


def test_the_helper_reads_labels_help_texts_choices_and_rules_from_the_columns(ctx):
    assert str(labels.labels(ServiceItem)["name"]) == "事项名称"
    assert str(labels.label(ServiceItem, "hosting_system")) == "承载系统"  # a relationship
    assert str(labels.label(ServiceItem, "status")) == "审核状态"  # from the mixin
    assert str(labels.label(RectificationTask, "overdue")) == "逾期"  # from __labels__
    # A snapshot's id or name of what a row points at reads as the relationship.
    assert str(labels.label(ProcessNode, "handling_department_id")) == "办理部门"
    assert str(labels.label(ServiceItem, "hosting_system_name")) == "承载系统"
    assert str(labels.label(ServiceItem, "lifecycle")) == "上线状态"
    assert labels.label(ServiceItem, "no_such_column") == "no_such_column"
    assert labels.label(HallStep, "attachment_type") == "attachment_type"  # no label: its name
    assert "两名联系人" in str(labels.descriptions(Contact)["knows_processes"])
    assert labels.choices(ServiceItem)["disposition"] == (DISPOSITION, False)
    assert labels.code_sets(InformationSystem) == {"user_groups": USER_GROUP}
    assert set(labels.validators(Material)) == {"position", "copies", "notes"}
    assert labels.display(ServiceItem, "kind", "approval") == "审批类"
    assert labels.display(ServiceItem, "user_groups", "staff,graduate") == "教职工、研究生"
    assert labels.display(Contact, "knows_processes", True) == "是"
    assert labels.display(ServiceItem, "name", "学生请假") == "学生请假"


def test_every_model_view_labels_its_columns_with_the_models_words(app, ctx):
    """No record view types a label: every column a view lists, shows, edits or searches has
    the label (and help text) its model declares. (FAB's own user and role views keep theirs.)"""
    checked = 0
    for view in _model_views(app):
        model = view.datamodel.obj
        model_labels = labels.labels(model)
        columns = set(view.list_columns) | set(view.show_columns) | set(view.search_columns)
        if "can_add" in view.base_permissions:
            columns |= set(view.add_columns)
        if "can_edit" in view.base_permissions:
            columns |= set(view.edit_columns)
        for column in sorted(columns):
            assert column in model_labels, f"{type(view).__name__}.{column} has no model label"
            assert str(view.label_columns[column]) == str(model_labels[column])
            checked += 1
        assert view.description_columns == labels.descriptions(model)
        for column, rules in labels.validators(model).items():  # FAB appends Optional()
            assert all(rule in view.validators_columns[column] for rule in rules)
    assert checked > 100


def test_sheet_columns_take_the_models_labels_and_rules(ctx):
    items = specs.template("items").sheets[0]
    assert items.column("promised_limit").header == str(labels.label(ServiceItem, "promised_limit"))
    assert items.column("promised_limit").validators
    assert items.column("kind").choices is labels.choices(ServiceItem)["kind"][0]
    systems = specs.template("systems").sheets[0]
    assert systems.column("core_usage_rate").header == "核心功能使用率（%）"


def test_the_registry_covers_every_reviewable_and_audited_model(app):
    """Every record people edit (a versioned model) is a registered, audited type whose view
    shows its model; the workflow and the audit trail read their sets from the registry."""
    versioned = {cls for cls in _all_subclasses(VersionedMixin) if hasattr(cls, "__table__")}
    assert workflow.REVIEWABLE is registry.REVIEWABLE
    assert set(registry.REVIEWABLE.values()) == {ServiceItem, Contact, InformationSystem}
    assert set(audit.RECORD_MODELS) == set(registry.BY_MODEL) == versioned
    views = {type(v).__name__: v for v in _model_views(app)}
    for kind in registry.RECORD_TYPES:
        assert kind.key == kind.model.__tablename__
        assert views[kind.view].datamodel.obj is kind.model, kind.view
        for child in kind.children:
            assert child in labels.labels(kind.model)
    for view in views.values():
        if issubclass(view.datamodel.obj, VersionedMixin):
            assert registry.get(view.datamodel.obj) is not None, type(view).__name__


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def test_record_url_opens_each_kind_of_record_for_a_permitted_user(app, db_session, client_as):
    item = f.complete_item(db_session)
    records = {
        "service_item": item,
        "material": item.materials[0],
        "process_node": item.nodes[0],
        "contact": f.contact(db_session),
        "information_system": f.information_system(db_session),
        "department": f.department(db_session),
        "rectification_task": f.rectification_task(db_session),
        "campaign": (camp := f.campaign(db_session)),
        "campaign_phase": f.campaign_phase(db_session, camp),
        "capability": Capability(code="repair", name="报修"),
        "finding_setting": FindingSetting(rule="idle_system", enabled=False),
        "hall_request": f.hall_request(db_session, item, reason="入驻理由：师生需求"),
        "handler_assignment": f.handler_assignment(
            db_session, item.nodes[0], display_name="办理甲"
        ),
        "training_record": f.training_record(db_session, display_name="受训乙"),
        "hall_drill": f.hall_drill(db_session),
        "service_case": (case := Case(item=item, department_id=item.department_id, status="draft")),
        "case_task": CaseTask(case=case, node_name="受理", state="open", opened_at=utcnow()),
        "case_file": CaseFile(
            case=case,
            filename="申请表.pdf",
            content_type="application/pdf",
            size=5,
            sha256="0" * 64,
            stored_as="00/0",
        ),
        "case_rating": CaseRating(
            case=case,
            overall="satisfied",
            efficiency="satisfied",
            guide_accuracy="basic",
            convenience="satisfied",
            usability="very_satisfied",
            rated_at=utcnow(),
        ),
        "calendar_day": CalendarDay(day=date(2027, 10, 1), kind="holiday", name="国庆节"),
        # Seeded by its migration too: the rule for an item's opening hours.
        "completeness_rule": db_session.query(CompletenessRule)
        .filter_by(subject="service_item", field="service_hours")
        .one(),
        # The migration's seed row (the table is not cleared between tests).
        "audience_group": db_session.query(AudienceGroup).filter_by(code="staff").one(),
    }
    case.applicant_id = f.user(db_session, "contact").id
    db_session.add_all([records["capability"], records["finding_setting"], records["calendar_day"]])
    db_session.add_all([case, records["case_task"], records["case_file"], records["case_rating"]])
    db_session.commit()
    assert set(records) == set(registry.BY_KEY)
    admin = client_as("admin")
    with app.test_request_context():
        assert app.jinja_env.globals["record_url"] is registry.record_url
        urls = {key: registry.record_url(record) for key, record in records.items()}
        assert registry.record_url("service_item", item.id) == urls["service_item"]
    for key, url in urls.items():
        response = admin.get(url)
        assert response.status_code == 200, (key, url)
        record = records[key]
        if key == "finding_setting":  # shown by its rule's title
            assert str(findings.BY_CODE[record.rule].title) in response.text
            continue
        if key == "completeness_rule":  # shown by the words of the field it checks
            assert record.field_label() in response.text
            continue
        shown = next(
            getattr(record, name)
            for name in (
                "name",
                "title",
                "display_name",
                "reason",
                "label",
                "node_name",
                "filename",
                "item",
                "case",
            )
            if getattr(record, name, None)
        )
        assert str(shown) in response.text, key


def test_completeness_lists_and_the_ledger_sheet_use_the_models_words(ctx):
    from app.reports import ledger
    from app.services.catalog import completeness
    from app.services.publish import lists

    missing = completeness.missing_for_system(InformationSystem())
    assert str(labels.label(InformationSystem, "build_cost")) in missing
    assert completeness.missing_for_contact(Contact())[:2] == ["姓名", "联系电话"]
    assert str(labels.label(RectificationTask, "measure")) in ledger.headers()
    assert len(ledger.headers()) == 15
    assert str(labels.label(ServiceItem, "online_entry")) in lists.headers("service")


def test_a_printed_approval_names_fields_by_their_labels(db_session, client_as):
    """The A4 print of a contact (no sheet layout of its own) lists labels, not column names."""
    contact = f.complete_contact(db_session)
    db_session.commit()
    admin, reviewer = client_as("admin"), client_as("reviewer")
    assert admin.post(f"/workflow/contact/{contact.id}/submit").status_code == 302
    reviewer.post(f"/workflow/contact/{contact.id}/approve", data={"password": f.PASSWORD})
    printed = reviewer.get(f"/workflow/contact/{contact.id}/print").text
    assert "<th>联系电话</th>" in printed and "<th>phone</th>" not in printed
