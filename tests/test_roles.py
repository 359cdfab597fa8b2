"""Role permissions: least privilege for every role on every record view."""

import pytest

from app.models import Department, ServiceItem
from tests import factories as f

RECORD_ROUTES = [
    "serviceitemview",
    "informationsystemview",
    "contactview",
    "materialview",
    "processnodeview",
    "rectificationtaskview",
    "departmentview",
    "campaignview",
    "campaignphaseview",
]
SECURITY_ROUTES = [
    "/users/list/",
    "/users/add",
    "/roles/list/",
    "/roles/add",
    "/permissions/list/",
    "/viewmenus/list/",
    "/permissionviews/list/",
]


def _existing_rows(session):
    """One row per record view so edit and delete have a target."""
    item = f.service_item(session, code="SI-ROLE")
    camp = f.campaign(session, year=2035)
    rows = {
        "serviceitemview": item,
        "informationsystemview": f.information_system(session, code="SYS-ROLE"),
        "contactview": f.contact(session),
        "materialview": f.material(session, item),
        "processnodeview": f.process_node(session, item),
        "rectificationtaskview": f.rectification_task(session),
        "departmentview": f.department(session, "T02"),
        "campaignview": camp,
        "campaignphaseview": f.campaign_phase(session, camp),
    }
    session.commit()
    return rows


@pytest.mark.parametrize("route", RECORD_ROUTES)
def test_leader_reads_but_every_write_is_forbidden(client_as, db_session, route):
    rows = _existing_rows(db_session)
    pk = rows[route].id
    version = rows[route].version
    client = client_as("leader")
    assert client.get(f"/{route}/list/").status_code == 200
    assert client.get(f"/{route}/show/{pk}").status_code == 200
    assert client.get(f"/{route}/add").status_code == 403
    assert client.post(f"/{route}/add", data={"name": "x", "code": "x"}).status_code == 403
    assert client.get(f"/{route}/edit/{pk}").status_code == 403
    assert client.post(f"/{route}/edit/{pk}", data={"name": "改名"}).status_code == 403
    assert client.post(f"/{route}/delete/{pk}").status_code == 403
    db_session.expire_all()
    row = db_session.get(type(rows[route]), pk)
    assert row is not None and row.version == version


@pytest.mark.parametrize("role", ["leader", "contact", "reviewer"])
@pytest.mark.parametrize("url", SECURITY_ROUTES)
def test_only_the_it_admin_manages_users_and_roles(client_as, role, url):
    assert client_as(role).get(url).status_code == 403


def test_only_the_security_admin_manages_users_and_roles(client_as):
    client = client_as("security")
    for url in SECURITY_ROUTES:
        assert client.get(url).status_code == 200, url
    for role in ("admin", "auditor", "reviewer", "contact", "leader"):
        other = client_as(role)
        for url in SECURITY_ROUTES:
            assert other.get(url).status_code == 403, (role, url)


@pytest.mark.parametrize("role", ["security", "auditor"])
def test_security_and_audit_admins_touch_no_record(client_as, db_session, role):
    """三权分立: neither the security nor the audit administrator reads or writes records."""
    rows = _existing_rows(db_session)
    client = client_as(role)
    for route, row in rows.items():
        assert client.get(f"/{route}/list/").status_code == 403, route
        assert client.get(f"/{route}/show/{row.id}").status_code == 403, route
        assert client.post(f"/{route}/add", data={"name": "x"}).status_code == 403, route
    for url in ("/workflow/inbox/", "/publication/", "/sheets/", "/board/", "/statistics/"):
        assert client.get(url).status_code == 403, url


def test_no_account_holds_two_of_the_three_administrators_roles(client_as, db_session):
    """三权分立: the user form refuses a second administrator's role and saves nothing."""
    from app.security.roles import AUDIT_ADMIN, IT_ADMIN

    client = client_as("security")
    from flask_appbuilder.security.sqla.models import Role

    sm_roles = {r.name: r.id for r in db_session.query(Role).all()}
    target = f.user(db_session, "leader")
    page = client.post(
        f"/users/edit/{target.id}",
        data={
            "first_name": target.first_name,
            "last_name": target.last_name,
            "username": target.username,
            "active": "y",
            "email": target.email,
            "roles": [str(sm_roles[IT_ADMIN]), str(sm_roles[AUDIT_ADMIN])],
        },
        follow_redirects=True,
    )
    assert "三权分立" in page.text
    db_session.expire_all()
    assert [r.name for r in f.user(db_session, "leader").roles] == ["校领导"]


def test_contact_writes_department_records_but_not_office_records(client_as, db_session):
    client = client_as("contact")
    dept = f.department(db_session)
    response = client.post(
        "/serviceitemview/add",
        data={
            "code": "SI-CONTACT",
            "name": "公章使用申请",
            "department": str(dept.id),
            "kind": "approval",
            "running_status": "good",
        },
    )
    assert response.status_code == 302
    assert db_session.query(ServiceItem).filter_by(code="SI-CONTACT").count() == 1
    for route in ("departmentview", "campaignview", "campaignphaseview"):
        assert client.get(f"/{route}/add").status_code == 403
    before = db_session.query(Department).count()
    assert (
        client.post(
            "/departmentview/add", data={"code": "X", "name": "X", "kind": "unit"}
        ).status_code
        == 403
    )
    assert db_session.query(Department).count() == before


def test_reviewer_cannot_create_or_delete_department_records(client_as, db_session):
    rows = _existing_rows(db_session)
    client = client_as("reviewer")
    assert client.get("/serviceitemview/list/").status_code == 200
    assert client.get("/serviceitemview/add").status_code == 403
    assert client.post(f"/serviceitemview/delete/{rows['serviceitemview'].id}").status_code == 403


@pytest.mark.parametrize("route", RECORD_ROUTES)
def test_anonymous_is_sent_to_login(client, route):
    response = client.get(f"/{route}/list/")
    assert response.status_code == 302
    assert "/login/" in response.headers["Location"]


def test_init_roles_is_idempotent_and_restores_declared_permissions(app, runner, db_session):
    """A permission granted by hand is removed again: the declaration is the truth."""
    from app.extensions import appbuilder
    from app.security.roles import LEADER

    sm = appbuilder.sm
    leader = sm.find_role(LEADER)
    stray = sm.find_permission_view_menu("can_delete", "ServiceItemView")
    leader.permissions.append(stray)
    sm.session.commit()
    result = runner.invoke(args=["init-roles"])
    assert result.exit_code == 0, result.output
    sm.session.expire_all()
    names = {(p.permission.name, p.view_menu.name) for p in sm.find_role(LEADER).permissions}
    assert ("can_delete", "ServiceItemView") not in names
    assert ("can_list", "ServiceItemView") in names
