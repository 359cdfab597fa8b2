"""E-signatures while the unified identity directory is down: approve, return, batch approve
and publish answer 503 with 统一身份认证服务暂不可用 and change nothing (no status, decision,
version, publication or audit entry).

The reviewer signs in through a slapd of this module's own (tests/ldap_fixtures.py's shared
one keeps running for the other tests), which is then stopped."""

import pytest
from flask_appbuilder.const import AUTH_LDAP

from app.models import AuditEntry, Publication, RecordVersion, ReviewDecision, ServiceItem
from app.services.review import workflow
from devtools.slapd import Directory
from tests import factories as f
from tests.factories import PASSWORD
from tests.ldap_fixtures import GROUP_ROLES, LDAP_PASSWORD

DOWN = "统一身份认证服务暂不可用"


@pytest.fixture
def reviewer_directory(app, db_session, monkeypatch):
    """A slapd of this test's own with one trained reviewer (art. 18); the app authenticates
    against it."""
    f.training_record(db_session, username="shenhe", display_name="沈核")
    db_session.commit()
    directory = Directory().start()
    directory.add_person("shenhe", LDAP_PASSWORD, "核", "沈", "shenhe@college.edu.cn", "T02")
    directory.add_group("console-reviewers", ["shenhe"])
    monkeypatch.setitem(app.config, "AUTH_TYPE", AUTH_LDAP)
    monkeypatch.setitem(app.config, "LDAP_TIMEOUT_SECONDS", 2)
    for key, value in directory.app_config(GROUP_ROLES).items():
        monkeypatch.setitem(app.config, key, value)
    yield directory
    directory.stop()


def _state(session):
    session.expire_all()
    return {
        "statuses": sorted(session.query(ServiceItem.code, ServiceItem.status).all()),
        "decisions": session.query(ReviewDecision).count(),
        "versions": session.query(RecordVersion).count(),
        "publications": session.query(Publication).count(),
        "audit": session.query(AuditEntry).count(),
        "last_audit": session.query(AuditEntry.seq).order_by(AuditEntry.seq.desc()).first(),
    }


def _submitted(session, codes):
    contact = f.user(session, "contact")
    items = []
    for code in codes:
        item = f.complete_item(session, code=code)
        workflow.submit(session, item, contact)
        items.append(item)
    return items


def test_signatures_answer_503_and_change_nothing_while_the_directory_is_down(
    app, reviewer_directory, db_session
):
    client = app.test_client()
    login = client.post("/login/", data={"username": "shenhe", "password": LDAP_PASSWORD})
    assert login.status_code == 302
    one, two, three = _submitted(db_session, ["SI-DOWN-1", "SI-DOWN-2", "SI-DOWN-3"])
    published = f.complete_item(db_session, code="SI-DOWN-OK")  # something to publish
    workflow.submit(db_session, published, f.user(db_session, "contact"))
    workflow.approve(db_session, published, f.user(db_session, "reviewer"), PASSWORD)
    db_session.commit()
    # The directory answers: a wrong password is refused as such (403), nothing signed.
    wrong = client.post(f"/workflow/service_item/{one.id}/approve", data={"password": "nope"})
    assert wrong.status_code == 302
    before = _state(db_session)

    reviewer_directory.stop()
    posts = {
        "approve": (f"/workflow/service_item/{one.id}/approve", {"password": LDAP_PASSWORD}),
        "return": (
            f"/workflow/service_item/{two.id}/return",
            {"password": LDAP_PASSWORD, "comment": "材料不全"},
        ),
        "batch approve": (
            "/workflow/inbox/batch",
            {
                "action": "approve",
                "rowid": [f"service_item:{one.id}", f"service_item:{three.id}"],
                "password": LDAP_PASSWORD,
            },
        ),
        "publish": ("/publication/publish", {"password": LDAP_PASSWORD, "note": "第一版"}),
    }
    for name, (url, data) in posts.items():
        response = client.post(url, data=data)
        page = response.get_data(as_text=True)
        assert response.status_code == 503, (name, response.status_code, page[:300])
        assert DOWN in page and "电子签名未完成" in page, name
        assert _state(db_session) == before, name
    as_json = client.post(
        posts["approve"][0], data=posts["approve"][1], headers={"Accept": "application/json"}
    )
    assert as_json.status_code == 503 and DOWN in as_json.get_json()["message"]
    assert _state(db_session) == before
    assert {code: status for code, status in before["statuses"]}["SI-DOWN-1"] == "submitted"


def test_the_service_raises_the_directory_refusal_and_batch_stops_at_it(
    app, reviewer_directory, db_session
):
    from app.models import ConsoleUser
    from app.services.errors import ServiceUnavailableError, response_for

    login = app.test_client().post(
        "/login/", data={"username": "shenhe", "password": LDAP_PASSWORD}
    )
    assert login.status_code == 302
    reviewer = db_session.query(ConsoleUser).filter_by(username="shenhe").one()
    items = _submitted(db_session, ["SI-DOWN-B1", "SI-DOWN-B2"])
    db_session.commit()
    reviewer_directory.stop()
    with pytest.raises(ServiceUnavailableError) as raised:
        workflow.batch(db_session, items, "approve", reviewer, password=LDAP_PASSWORD)
    assert response_for(raised.value) == (503, "danger")
    db_session.rollback()
    rows = db_session.query(ServiceItem).filter(ServiceItem.code.like("SI-DOWN-B%")).all()
    assert {row.status for row in rows} == {"submitted"}
