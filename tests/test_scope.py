"""Department scope: another department's record answers 404 and changes nothing.

One parametrized check runs every record type through every route and action a contact could
reach; the rule itself is also tested on the service with no request at all.
"""

import pytest
from sqlalchemy import select

from app.models import (
    Contact,
    InformationSystem,
    Material,
    ProcessNode,
    RectificationTask,
    ServiceItem,
)
from app.services.access import scope
from app.services.review import workflow
from tests import factories as f


def _other_department_rows(session):
    """Rows of department T02, which the contact of T01 must never see or change."""
    item = f.complete_item(session, code="SI-OTHER", dept="T02")
    rows = {
        "serviceitemview": item,
        "materialview": item.materials[0],
        "processnodeview": item.nodes[0],
        "informationsystemview": f.complete_system(session, code="SYS-OTHER", dept="T02"),
        "contactview": f.complete_contact(session, dept="T02", name="王其他"),
        "rectificationtaskview": f.rectification_task(session, dept="T02"),
    }
    session.commit()
    return rows


ROUTES = [
    "serviceitemview",
    "materialview",
    "processnodeview",
    "informationsystemview",
    "contactview",
    "rectificationtaskview",
]
WORKFLOW_TYPES = {
    "serviceitemview": "service_item",
    "informationsystemview": "information_system",
    "contactview": "contact",
}


def _state(session, row):
    session.expire_all()
    fresh = session.get(type(row), row.id)
    return None if fresh is None else (fresh.version, getattr(fresh, "status", None))


@pytest.mark.parametrize("route", ROUTES)
def test_other_departments_record_is_404_everywhere(client_as, db_session, route):
    """Every route and action a contact may use answers 404 for another department's row.

    (Routes the contact's role has no permission for at all answer 403 before any row is read:
    deleting a ledger task, which only the IT office may do, is such a route.)
    """
    rows = _other_department_rows(db_session)
    row = rows[route]
    before = _state(db_session, row)
    client = client_as("contact")
    delete = {403} if route == "rectificationtaskview" else {404}
    requests = [
        ("get", f"/{route}/show/{row.id}", None, {404}),
        ("get", f"/{route}/edit/{row.id}", None, {404}),
        ("post", f"/{route}/edit/{row.id}", {"name": "改掉", "title": "改掉"}, {404}),
        ("post", f"/{route}/delete/{row.id}", None, delete),
        ("post", f"/{route}/action_post", {"action": "submit", "rowid": [str(row.id)]}, {404}),
    ]
    if route in WORKFLOW_TYPES:
        kind = WORKFLOW_TYPES[route]
        requests.extend(
            ("post", f"/workflow/{kind}/{row.id}/{action}", {}, {404})
            for action in ("submit", "withdraw")
        )
        requests.append(("get", f"/workflow/{kind}/{row.id}/versions/", None, {404}))
        requests.append(("get", f"/workflow/{kind}/{row.id}/versions/1", None, {404}))
        requests.append(("get", f"/workflow/{kind}/{row.id}/print", None, {404}))
    if route == "rectificationtaskview":
        requests.append(("post", f"/ledger/task/{row.id}/start", {}, {404}))
        requests.append(("get", f"/overduetaskview/show/{row.id}", None, {404}))
    if route == "serviceitemview":
        requests.append(
            (
                "post",
                f"/workflow/service_item/{row.id}/lifecycle/request_offline",
                {"note": "x"},
                {404},
            )
        )
    for method, url, data, expected in requests:
        code = getattr(client, method)(url, data=data).status_code
        assert code in expected, f"{method.upper()} {url} answered {code}"
    assert _state(db_session, row) == before


@pytest.mark.parametrize("route", ROUTES)
def test_lists_show_only_the_own_department(client_as, db_session, route):
    rows = _other_department_rows(db_session)
    mine = f.complete_item(db_session, code="SI-MINE", dept="T01", name="本部门事项")
    db_session.commit()
    page = client_as("contact").get(f"/{route}/list/").text
    assert f'/{route}/show/{rows[route].id}"' not in page
    if route == "serviceitemview":
        assert "SI-OTHER" not in page and "SI-MINE" in page
        assert f'/{route}/show/{mine.id}"' in page


def test_children_of_another_departments_item_cannot_be_added(client_as, db_session):
    rows = _other_department_rows(db_session)
    item = rows["serviceitemview"]
    count = db_session.query(Material).count()
    client = client_as("contact")
    response = client.post(
        f"/materialview/add?_flt_0_item={item.id}",
        data={"position": "9", "name": "偷加的材料", "form": "copy", "copies": "1"},
    )
    assert response.status_code in (200, 404)
    assert db_session.query(Material).count() == count


def test_contact_cannot_move_a_record_into_another_department(client_as, db_session):
    other = f.department(db_session, "T02")
    mine = f.complete_item(db_session, code="SI-MOVE", dept="T01")
    db_session.commit()
    client = client_as("contact")
    form = client.get("/serviceitemview/add").text
    assert other.name not in form, "the department dropdown offers only the own department"
    response = client.post(
        f"/serviceitemview/edit/{mine.id}",
        data={
            "code": mine.code,
            "name": mine.name,
            "department": str(other.id),
            "kind": "service",
            "running_status": "good",
        },
    )
    assert response.status_code == 200
    db_session.expire_all()
    assert db_session.get(ServiceItem, mine.id).department_id == f.department(db_session).id


def test_hosting_system_dropdown_hides_other_departments_drafts(client_as, db_session):
    draft = f.complete_system(db_session, code="SYS-DRAFT", dept="T02", name="别人的草稿系统")
    approved = f.complete_system(db_session, code="SYS-PUB", dept="T02", name="已发布系统")
    approved.approved_version_no = 1
    db_session.commit()
    form = client_as("contact").get("/serviceitemview/add").text
    assert "已发布系统" in form and "别人的草稿系统" not in form
    assert draft.id


@pytest.mark.parametrize(
    "model", [Contact, ServiceItem, InformationSystem, RectificationTask, Material, ProcessNode]
)
def test_scope_rule_without_a_request(db_session, model):
    """The same rule filters queries in commands and exports, with no HTTP request."""
    _other_department_rows(db_session)
    f.complete_item(db_session, code="SI-OWN", dept="T01")
    f.complete_system(db_session, code="SYS-OWN", dept="T01")
    f.complete_contact(db_session, dept="T01")
    f.rectification_task(db_session, dept="T01")
    db_session.commit()
    contact = f.user(db_session, "contact")
    own = f.department(db_session).id
    rows = db_session.execute(scope.apply_scope(select(model), model, contact)).scalars().all()
    assert rows, "the contact sees their own rows"
    assert all(scope.record_department_id(r) == own for r in rows)
    everything = (
        db_session.execute(scope.apply_scope(select(model), model, f.user(db_session, "leader")))
        .scalars()
        .all()
    )
    assert len(everything) > len(rows)


def test_contact_without_department_sees_nothing(db_session):
    contact = f.user(db_session, "contact")
    saved = contact.department_id
    contact.department_id = None
    try:
        assert scope.scope_department_id(contact) == -1
        f.complete_item(db_session, code="SI-NODEPT")
        rows = (
            db_session.execute(scope.apply_scope(select(ServiceItem), ServiceItem, contact))
            .scalars()
            .all()
        )
        assert rows == []
    finally:
        contact.department_id = saved
        db_session.rollback()


def test_workflow_load_hides_other_departments(db_session):
    rows = _other_department_rows(db_session)
    from app.services.errors import NotFoundError

    with pytest.raises(NotFoundError):
        workflow.load(
            db_session, "service_item", rows["serviceitemview"].id, f.user(db_session, "contact")
        )


HALL_MOVES = [
    "request_onboarding",
    "approve_onboarding",
    "accept",
    "record_training",
    "go_live",
    "request_change",
    "request_offline",
    "take_offline",
]


def _other_unit_hall_rows(session):
    """A T02 item in its confirmation round with a request, a handler and a training step, in
    which T01 has no part."""
    from app.models import HallStep

    item = f.complete_item(session, code="SI-HALL-OTHER", dept="T02", lifecycle="confirming")
    request = f.hall_request(session, item)
    assignment = f.handler_assignment(session, item.nodes[0], username="t_contact2")
    step = HallStep(
        item_id=item.id,
        action="record_training",
        actor_name="别人",
        attachment_name="a.pdf",
        attachment=b"x",
    )
    session.add(step)
    session.commit()
    return item, request, assignment, step


@pytest.mark.parametrize("role", ["contact", "process_admin", "handler", "applicant"])
def test_another_units_hall_records_are_404_on_every_hall_route(client_as, db_session, role):
    """A unit reaches the hall records of the items it owns or handles a node of, nothing else:
    requests, handler assignments, confirmations, proposals, attachments and every lifecycle
    move of another unit's item answer 404 and change nothing."""
    item, request, assignment, step = _other_unit_hall_rows(db_session)
    node = item.nodes[0]
    client = client_as(role)
    routes = [
        ("get", f"/hallrequestview/show/{request.id}"),
        ("get", f"/handlerassignmentview/show/{assignment.id}"),
        ("post", f"/hall/item/{item.id}/confirm"),
        ("get", f"/hall/node/{node.id}/handlers"),
        ("post", f"/hall/node/{node.id}/propose"),
        ("get", f"/hall/step/{step.id}/attachment"),
    ] + [("post", f"/workflow/service_item/{item.id}/lifecycle/{m}") for m in HALL_MOVES]
    allowed = {
        "contact": {"hall/item", "hall/node"},  # no such permission at all: 403 before any row
        "handler": {"hall/item", "hall/node", "lifecycle"},
        "process_admin": set(),
        "applicant": {"view/", "hall/", "lifecycle"},  # 网上办事 only: no hall permission
    }[role]
    for method, url in routes:
        code = getattr(client, method)(url, data={"note": "x", "username": "t_contact"}).status_code
        expected = {404, 403} if any(part in url for part in allowed) else {404}
        assert code in expected, f"{role} {method.upper()} {url} answered {code}"
    db_session.expire_all()
    assert db_session.get(type(item), item.id).lifecycle == "confirming"
    assert db_session.get(type(assignment), assignment.id).status == "filed"
    listed = (
        client.get("/hallrequestview/list/").text + client.get("/handlerassignmentview/list/").text
    )
    assert f'/hallrequestview/show/{request.id}"' not in listed
    assert f'/handlerassignmentview/show/{assignment.id}"' not in listed


def test_a_unit_handling_a_node_reaches_the_item_for_its_part(client_as, db_session):
    """The process administrator of T01 confirms and names handlers on a T02 item whose node T01
    handles, without seeing the item's own pages."""
    item, _request, _assignment, _step = _other_unit_hall_rows(db_session)
    node = item.nodes[1]
    node.handling_department = f.department(db_session, "T01")
    db_session.commit()
    client = client_as("process_admin")
    assert client.get(f"/serviceitemview/show/{item.id}").status_code == 404
    assert client.get(f"/hall/node/{node.id}/handlers").status_code == 200
    assert "SI-HALL-OTHER" in client.get("/hall/").text
    assert client.post(f"/hall/item/{item.id}/confirm").status_code == 302
    from app.services.review import hall

    db_session.expire_all()
    item = db_session.get(type(item), item.id)
    assert f.department(db_session, "T01").id in hall.confirmed_units(db_session, item)
