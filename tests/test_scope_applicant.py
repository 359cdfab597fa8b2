"""The applicant (申请人, the directory's people without a console role): 网上办事 and nothing else.

Every page of the console is swept: the applicant reaches the service list, applying, 我的办件,
their own cases and their account, the public pages, and no page of the campaign; another
person's case answers 404 on every case route, exactly as a missing one.
"""

import io

import pytest

from app.models import Case
from tests import factories as f
from tests.case_helpers import PDF, live_item

# Pages that are the applicant's: 网上办事, the account, the public pages, logging in and out.
APPLICANT_PAGES = (
    "CasePortalView.index",
    "CasePortalView.mine",
    "ConsoleIndexView.",
    "public.",
    "static",
    "appbuilder.static",
    "ConsoleAuthLDAPView.",
    "ConsoleAuthDBView.",
    "ConsoleUserDBModelView.userinfo",
    "ConsoleResetMyPasswordView.",
    "api_v1.openapi",  # the API's document and its reader are public
    "api_v1.docs",
    "LocaleView.",
    "ErrorView.",
    "SecondFactorView.",
)


@pytest.fixture(autouse=True)
def _uploads(app, tmp_path):
    saved = app.config.get("INSTANCE_DIR")
    app.config["INSTANCE_DIR"] = str(tmp_path)
    yield
    app.config["INSTANCE_DIR"] = saved


def _pages(app):
    """Every GET route without arguments, by endpoint."""
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and not rule.arguments:
            yield rule.endpoint, rule.rule


def test_the_applicant_reaches_no_page_of_the_campaign(app, client_as):
    client = client_as("applicant")
    reached = []
    for endpoint, url in _pages(app):
        if endpoint.startswith(APPLICANT_PAGES) or endpoint == "static":
            continue
        response = client.get(url)
        if response.status_code == 200:
            reached.append(url)
    assert reached == [], reached


def test_the_applicant_sees_the_service_list_and_their_cases(app, client_as, db_session):
    item = live_item(db_session, code="SI-APPL-1")
    db_session.commit()
    client = client_as("applicant")
    assert item.name in client.get("/cases/").text
    assert client.get("/cases/mine").status_code == 200
    home = client.get("/").text
    assert "网上办事" in home and "我的办件" in home and "本部门进度" not in home


def test_another_persons_case_is_missing_on_every_case_route(app, client_as, db_session):
    """A contact's case, with a file: the applicant gets 404 everywhere and changes nothing."""
    item = live_item(db_session, code="SI-APPL-2")
    db_session.commit()
    owner = client_as("contact")
    owner.post(f"/cases/apply/{item.id}")
    case = db_session.query(Case).filter_by(item_id=item.id).one()
    owner.post(
        f"/cases/{case.id}/edit",
        data={
            "action": "submit",
            "conditions_confirmed": "y",
            f"material_{item.materials[0].id}": (io.BytesIO(PDF), "申请表.pdf", "application/pdf"),
        },
        content_type="multipart/form-data",
    )
    db_session.expire_all()
    case = db_session.get(Case, case.id)
    assert case.status == "submitted"
    client = client_as("applicant")
    routes = [
        ("get", f"/cases/{case.id}"),
        ("get", f"/cases/{case.id}/edit"),
        ("post", f"/cases/{case.id}/edit"),
        ("post", f"/cases/{case.id}/withdraw"),
        ("post", f"/cases/{case.id}/rate"),
        ("get", f"/cases/file/{case.files[0].id}"),
    ]
    for method, url in routes:
        code = getattr(client, method)(
            url, data={"action": "submit", "overall": "very_dissatisfied"}
        ).status_code
        assert code == 404, f"{method.upper()} {url} answered {code}"
    assert client.get(f"/cases/task/{case.tasks[0].id}/approve").status_code in (403, 404, 405)
    assert client.post(f"/cases/task/{case.tasks[0].id}/approve").status_code in (403, 404)
    db_session.expire_all()
    assert db_session.get(Case, case.id).status == "submitted"
    assert f.user(db_session, "applicant").department_id is None
