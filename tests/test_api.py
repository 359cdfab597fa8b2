"""The REST API (/api/v1/): every resource read and written through the pages' rules.

Tokens act as their user: the department scope (another department's record answers 404),
the role (a leader reads but writes nothing), the record's state (a submitted item waits for
its review) and the page's FAB permission (a contact may not delete a ledger task) hold as on
the pages; the token's scopes narrow them. Changes name their version (409 otherwise), POSTs
accept idempotency keys, each call is audited and rate-limited, revoked tokens answer 401,
and the published lists come as JSON and XLSX with ETags.
"""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.models import ApiIdempotency, ApiToken, AuditEntry, Material, ServiceItem
from app.models.base import utcnow
from app.services.access import tokens
from app.services.errors import DomainError, PermissionDeniedError
from app.services.publish import publication
from app.services.review import workflow
from tests import factories as f
from tests.factories import PASSWORD

ALL = list(tokens.SCOPES)


def last_seq(session):
    """The newest audit entry's number (the audit log is never emptied between tests)."""
    return session.scalar(select(func.max(AuditEntry.seq))) or 0


def has_chinese(text):
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def bearer(session, role, scopes=ALL, kind="personal"):
    """Authorization headers of a new token for the fixture user of `role`."""
    _token, secret = tokens.create(
        session, f.user(session, "security"), f.user(session, role), f"{role}-token", kind, scopes
    )
    session.commit()
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def college(db_session):
    """Records of both departments: T01 (the contact's) and T02 (another's)."""
    session = db_session
    mine = f.complete_item(session, code="SI-API-1")
    theirs = f.complete_item(session, code="SI-API-2", dept="T02")
    records = {
        "items": (mine, theirs),
        "materials": (mine.materials[0], theirs.materials[0]),
        "nodes": (mine.nodes[0], theirs.nodes[0]),
        "systems": (f.complete_system(session), f.complete_system(session, "SYS-2", "T02")),
        "contacts": (f.complete_contact(session), f.complete_contact(session, dept="T02")),
        "tasks": (f.rectification_task(session), f.rectification_task(session, dept="T02")),
        "departments": (f.department(session, "T01"), f.department(session, "T02")),
    }
    session.commit()
    return {name: (a.id, b.id) for name, (a, b) in records.items()}


RESOURCES = ("departments", "contacts", "items", "materials", "nodes", "systems", "tasks")


@pytest.mark.parametrize("resource", RESOURCES)
def test_every_resource_lists_and_reads_what_the_user_sees(client, db_session, college, resource):
    admin = bearer(db_session, "reviewer")
    listed = client.get(f"/api/v1/{resource}", headers=admin)
    assert listed.status_code == 200, listed.get_data(as_text=True)
    ids = {row["id"] for row in listed.get_json()["items"]}
    assert set(college[resource]) <= ids
    mine, theirs = college[resource]
    assert client.get(f"/api/v1/{resource}/{theirs}", headers=admin).status_code == 200
    contact = bearer(db_session, "contact")
    own = client.get(f"/api/v1/{resource}", headers=contact).get_json()["items"]
    if resource == "departments":  # reference data: every role reads it
        assert {row["id"] for row in own} >= set(college[resource])
        return
    assert mine in {row["id"] for row in own} and theirs not in {row["id"] for row in own}
    assert client.get(f"/api/v1/{resource}/{mine}", headers=contact).status_code == 200
    hidden = client.get(f"/api/v1/{resource}/{theirs}", headers=contact)
    assert hidden.status_code == 404 and has_chinese(hidden.get_json()["message"])
    missing = client.get(f"/api/v1/{resource}/{2**31 - 1}", headers=contact)
    assert missing.get_json() == hidden.get_json()  # out of scope looks exactly like missing


def test_an_item_is_read_with_its_materials_and_nodes(client, db_session, college):
    item = client.get(f"/api/v1/items/{college['items'][0]}", headers=bearer(db_session, "leader"))
    body = item.get_json()
    assert body["code"] == "SI-API-1" and [m["name"] for m in body["materials"]] == ["申请表"]
    assert [n["name"] for n in body["nodes"]] == ["提交申请", "部门审核"]
    assert item.headers["ETag"] == f'W/"{body["version"]}"'


def test_lists_filter_search_and_page_with_a_hard_cap(client, db_session, college):
    admin = bearer(db_session, "reviewer")
    t02 = college["departments"][1]
    rows = client.get(f"/api/v1/items?department_id={t02}", headers=admin).get_json()["items"]
    assert [r["code"] for r in rows] == ["SI-API-2"]
    assert client.get("/api/v1/items?q=API-1", headers=admin).get_json()["total"] == 1
    page = client.get("/api/v1/items?page=2&page_size=1", headers=admin).get_json()
    assert page["page"] == 2 and page["total"] == 2 and len(page["items"]) == 1
    for bad in ("page_size=101", "page=0", "page=abc", "department_id=x", "nosuch=1"):
        refused = client.get(f"/api/v1/items?{bad}", headers=admin)
        assert refused.status_code == 400, bad
        assert has_chinese(refused.get_json()["message"])


def test_another_departments_records_answer_404_to_every_write(client, db_session, college):
    contact = bearer(db_session, "contact")
    for resource in ("items", "materials", "nodes", "systems", "contacts", "tasks"):
        theirs = college[resource][1]
        assert (
            client.patch(
                f"/api/v1/{resource}/{theirs}", json={"version": 1}, headers=contact
            ).status_code
            == 404
        ), resource
        assert client.delete(
            f"/api/v1/{resource}/{theirs}?version=1", headers=contact
        ).status_code in (403, 404), resource
    for move in ("submit", "withdraw"):
        theirs = college["items"][1]
        assert client.post(f"/api/v1/items/{theirs}/{move}", headers=contact).status_code == 404
    child = client.post(
        "/api/v1/materials",
        json={"item_id": college["items"][1], "name": "申请表"},
        headers=contact,
    )
    assert child.status_code == 404
    assert db_session.scalar(select(func.count()).select_from(Material)) == 2


def test_writes_follow_the_pages_rules(client, db_session, college):
    """The role, the department and the record's state refuse as on the pages."""
    t01, t02 = college["departments"]
    new_item = {"code": "SI-API-NEW", "name": "在读证明", "department_id": t01}
    leader = client.post("/api/v1/items", json=new_item, headers=bearer(db_session, "leader"))
    assert leader.status_code == 403  # leaders read, never write
    contact = bearer(db_session, "contact")
    elsewhere = client.post(
        "/api/v1/items", json={**new_item, "department_id": t02}, headers=contact
    )
    assert elsewhere.status_code == 403 and "本部门" in elsewhere.get_json()["message"]
    made = client.post("/api/v1/items", json=new_item, headers=contact)
    assert made.status_code == 201, made.get_data(as_text=True)
    body = made.get_json()
    assert body["status"] == "draft" and body["department_id"] == t01
    # A contact may not delete a ledger task: the page grants can_delete to the IT office only.
    task = college["tasks"][0]
    assert client.delete(f"/api/v1/tasks/{task}?version=1", headers=contact).status_code == 403
    # A reviewer keeps the ledger but writes no department record.
    reviewer = bearer(db_session, "reviewer")
    assert (
        client.post(
            "/api/v1/contacts",
            json={"department_id": t01, "name": "李", "phone": "1"},
            headers=reviewer,
        ).status_code
        == 403
    )
    # Fields the workflow owns are not writable; unknown ones are refused.
    for extra in ({"status": "approved"}, {"version": 9}, {"no_such": 1}):
        refused = client.post(
            "/api/v1/items", json={**new_item, "code": "X", **extra}, headers=contact
        )
        assert refused.status_code == 400, extra
    bad = client.post(
        "/api/v1/items", json={**new_item, "code": "Y", "kind": "nope"}, headers=contact
    )
    assert bad.status_code == 400 and "kind" in bad.get_json()["message"]
    too_long = client.post(
        "/api/v1/items",
        json={**new_item, "code": "Z", "promised_limit": "天" * 300},
        headers=contact,
    )
    assert too_long.status_code == 400
    # A limit is written in its words; what they say is read from them, never written.
    derived = client.post(
        "/api/v1/items", json={**new_item, "code": "Z", "time_limit_days": 3}, headers=contact
    )
    assert derived.status_code == 400
    worded = client.post(
        "/api/v1/items",
        json={**new_item, "code": "Z", "promised_limit": "1-30天"},
        headers=contact,
    )
    assert worded.status_code == 201, worded.get_json()
    body = worded.get_json()
    assert (body["promised_low"], body["promised_high"], body["promised_unit"]) == (1, 30, "day")


def test_a_submitted_item_waits_for_its_review(client, db_session, college):
    contact = bearer(db_session, "contact")
    item = college["items"][0]
    submitted = client.post(f"/api/v1/items/{item}/submit", headers=contact)
    assert submitted.status_code == 200 and submitted.get_json()["status"] == "submitted"
    version = submitted.get_json()["version"]
    edit = client.patch(
        f"/api/v1/items/{item}", json={"version": version, "tips": "新"}, headers=contact
    )
    assert edit.status_code == 403 and "撤回" in edit.get_json()["message"]
    withdrawn = client.post(f"/api/v1/items/{item}/withdraw", headers=contact)
    assert withdrawn.get_json()["status"] == "draft"
    again = client.post(f"/api/v1/items/{item}/withdraw", headers=contact)
    assert again.status_code == 409


def test_an_incomplete_record_cannot_be_submitted(client, db_session):
    item = f.service_item(db_session, code="SI-BARE")
    db_session.commit()
    refused = client.post(f"/api/v1/items/{item.id}/submit", headers=bearer(db_session, "contact"))
    assert refused.status_code == 400 and "内容不完整" in refused.get_json()["message"]


def test_changes_are_optimistically_locked_by_the_version(client, db_session, college):
    contact = bearer(db_session, "contact")
    item = college["items"][0]
    current = client.get(f"/api/v1/items/{item}", headers=contact).get_json()["version"]
    saved = client.patch(
        f"/api/v1/items/{item}", json={"version": current, "tips": "带身份证"}, headers=contact
    )
    assert saved.status_code == 200 and saved.get_json()["version"] == current + 1
    stale = client.patch(
        f"/api/v1/items/{item}", json={"version": current, "tips": "旧"}, headers=contact
    )
    assert stale.status_code == 409
    assert "已被他人修改" in stale.get_json()["message"]
    blind = client.patch(f"/api/v1/items/{item}", json={"tips": "无版本"}, headers=contact)
    assert blind.status_code == 409 and "无法确认" in blind.get_json()["message"]
    assert (
        client.delete(f"/api/v1/materials/{college['materials'][0]}", headers=contact).status_code
        == 409
    )
    db_session.expire_all()
    assert db_session.get(ServiceItem, item).tips == "带身份证"


def test_a_retried_post_with_an_idempotency_key_runs_once(client, db_session, college):
    contact = bearer(db_session, "contact")
    body = {"item_id": college["items"][0], "name": "成绩单", "required": True}
    key = {"Idempotency-Key": "retry-1", **contact}
    first = client.post("/api/v1/materials", json=body, headers=key)
    second = client.post("/api/v1/materials", json=body, headers=key)
    assert first.status_code == second.status_code == 201
    assert first.get_json() == second.get_json()
    assert second.headers["Idempotent-Replayed"] == "true"
    names = db_session.scalars(select(Material.name).where(Material.item_id == body["item_id"]))
    assert sorted(names) == ["成绩单", "申请表"]
    other = client.post("/api/v1/materials", json={**body, "name": "别的"}, headers=key)
    assert other.status_code == 422 and has_chinese(other.get_json()["message"])
    # Without a key a retry is a second record; a refused write keeps no key.
    client.post("/api/v1/materials", json=body, headers=contact)
    assert db_session.scalar(select(func.count()).select_from(Material)) == 4  # 2 + 1 + 1
    refused = client.post(
        "/api/v1/materials",
        json={**body, "item_id": college["items"][1]},
        headers={"Idempotency-Key": "retry-2", **contact},
    )
    assert refused.status_code == 404
    kept = db_session.scalars(select(ApiIdempotency.key)).all()
    assert kept == ["retry-1"]


def test_an_idempotency_key_is_kept_for_a_day(client, db_session, college):
    contact = bearer(db_session, "contact")
    body = {"item_id": college["items"][0], "name": "成绩单"}
    key = {"Idempotency-Key": "day-old", **contact}
    first = client.post("/api/v1/materials", json=body, headers=key)
    db_session.execute(
        ApiIdempotency.__table__.update().values(created_at=utcnow() - timedelta(days=1, seconds=1))
    )
    db_session.commit()
    later = client.post("/api/v1/materials", json=body, headers=key)
    assert later.status_code == 201 and later.get_json()["id"] != first.get_json()["id"]
    assert "Idempotent-Replayed" not in later.headers
    assert db_session.scalar(select(func.count()).select_from(ApiIdempotency)) == 1


def test_a_token_does_only_what_its_scopes_allow(client, db_session, college):
    portal = bearer(db_session, "leader", scopes=["lists:read"], kind="service")
    refused = client.get("/api/v1/items", headers=portal)
    assert refused.status_code == 403 and "items:read" in refused.get_json()["message"]
    reader = bearer(db_session, "contact", scopes=["items:read"])
    assert client.get("/api/v1/items", headers=reader).status_code == 200
    write = client.patch(
        f"/api/v1/items/{college['items'][0]}", json={"version": 1}, headers=reader
    )
    assert write.status_code == 403


def test_calls_need_a_valid_token_and_no_cookie_will_do(client, client_as, db_session, college):
    for headers in ({}, {"Authorization": "Bearer sgc_nope"}, {"Authorization": "Basic eDp5"}):
        refused = client.get("/api/v1/items", headers=headers)
        assert refused.status_code == 401 and has_chinese(refused.get_json()["message"])
    logged_in = client_as("admin")
    assert logged_in.get("/api/v1/items").status_code == 401


def test_the_security_administrator_creates_and_revokes_tokens_on_a_page(
    client_as, client, db_session, college
):
    page = client_as("security")
    contact = f.user(db_session, "contact")
    before = last_seq(db_session)
    made = page.post(
        "/apitokens/create",
        data={
            "name": "门户",
            "kind": "service",
            "user_id": contact.id,
            "scopes": ["items:read"],
            "days": "30",
        },
    )
    assert made.status_code == 200 and made.headers["Cache-Control"] == "no-store"
    secret = made.get_data(as_text=True).split('class="token-secret">')[1].split("<")[0]
    stored = db_session.scalars(select(ApiToken)).one()
    assert stored.token_hash == tokens.digest(secret) and secret not in (
        stored.prefix,
        stored.token_hash,
    )
    assert secret not in page.get("/apitokens/").get_data(as_text=True)  # shown once only
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/items", headers=headers).status_code == 200
    assert page.post(f"/apitokens/revoke/{stored.id}").status_code == 302
    assert client.get("/api/v1/items", headers=headers).status_code == 401
    actions = db_session.scalars(
        select(AuditEntry.summary)
        .where(AuditEntry.action == "api_token", AuditEntry.seq > before)
        .order_by(AuditEntry.seq)
    ).all()
    assert [a[:6] for a in actions] == ["创建接口令牌", "吊销接口令牌"]
    # An administrator's account gets no token; nobody else may reach the page.
    admin = f.user(db_session, "admin")
    refused = page.post(
        "/apitokens/create",
        data={"name": "管理", "kind": "personal", "user_id": admin.id, "scopes": ["items:read"]},
        follow_redirects=True,
    )
    assert "两步验证" in refused.get_data(as_text=True)
    assert db_session.scalar(select(func.count()).select_from(ApiToken)) == 1
    for role in ("admin", "contact", "auditor"):
        assert client_as(role).get("/apitokens/").status_code in (302, 403), role


def test_an_expired_token_or_a_disabled_user_is_refused(client, db_session, college):
    headers = bearer(db_session, "contact")
    token = db_session.scalars(select(ApiToken)).one()
    assert client.get("/api/v1/items", headers=headers).status_code == 200
    token.expires_at = utcnow() - timedelta(seconds=1)
    db_session.commit()
    assert client.get("/api/v1/items", headers=headers).status_code == 401
    token.expires_at = None
    token.user.active = False
    db_session.commit()
    try:
        assert client.get("/api/v1/items", headers=headers).status_code == 401
    finally:
        token.user.active = True
        db_session.commit()
    assert client.get("/api/v1/items", headers=headers).status_code == 200


@pytest.mark.parametrize("role", ["admin", "security", "auditor"])
def test_no_token_is_made_for_an_administrator(db_session, role):
    """A token would skip the second factor, and the security administrator would act as
    the system or audit administrator (三权分立)."""
    with pytest.raises(DomainError, match="两步验证"):
        bearer(db_session, role)
    with pytest.raises(PermissionDeniedError):  # only the security administrator makes them
        tokens.create(
            db_session,
            f.user(db_session, "admin"),
            f.user(db_session, "contact"),
            "x",
            "personal",
            ALL,
        )


def test_every_call_and_every_change_is_audited_as_the_tokens_user(
    client, client_as, db_session, college
):
    contact = bearer(db_session, "contact")
    token = db_session.scalars(select(ApiToken)).one()
    before = last_seq(db_session)
    client.get("/api/v1/items", headers=contact)
    client.patch(f"/api/v1/items/{college['items'][1]}", json={"version": 1}, headers=contact)
    made = client.post(
        "/api/v1/contacts",
        json={"department_id": college["departments"][0], "name": "王老师", "phone": "123"},
        headers=contact,
    ).get_json()
    calls = db_session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.action == "api_call",
            AuditEntry.record_id == token.id,
            AuditEntry.seq > before,
        )
        .order_by(AuditEntry.seq)
    ).all()
    assert [c.summary for c in calls] == [
        "GET /api/v1/items",
        f"PATCH /api/v1/items/{college['items'][1]}",  # refused (404), still on record
        "POST /api/v1/contacts",
    ]
    assert {c.username for c in calls} == {"t_contact"}
    created = db_session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "create",
            AuditEntry.record_type == "contact",
            AuditEntry.record_id == made["id"],
        )
    ).one()
    assert created.username == "t_contact" and created.department_id == college["departments"][0]
    log = client_as("auditor").get("/auditentryview/list/?_flt_0_action=api_call")
    assert log.status_code == 200 and "GET /api/v1/items" in log.get_data(as_text=True)


def test_calls_are_rate_limited_per_token(app, client, db_session, college, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "3 per minute")
    contact, other = bearer(db_session, "contact"), bearer(db_session, "leader")
    answers = [client.get("/api/v1/departments", headers=contact).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    limited = client.get("/api/v1/departments", headers=contact)
    assert limited.status_code == 429 and has_chinese(limited.get_json()["message"])
    assert client.get("/api/v1/departments", headers=other).status_code == 200


def test_ledger_tasks_move_through_the_ledgers_rules(client, db_session, college):
    contact = bearer(db_session, "contact")
    task = college["tasks"][0]
    made = client.post(
        "/api/v1/tasks",
        json={
            "title": "接入统一身份认证",
            "department_id": college["departments"][0],
            "deadline": "2030-01-31",
        },
        headers=contact,
    )
    assert made.status_code == 201 and made.get_json()["task_status"] == "open"
    assert made.get_json()["source"] == "manual"
    extra = client.post(
        f"/api/v1/tasks/{task}/move",
        json={"action": "start", "task_status": "done"},
        headers=contact,
    )
    assert extra.status_code == 400 and "task_status" in extra.get_json()["message"]
    started = client.post(f"/api/v1/tasks/{task}/move", json={"action": "start"}, headers=contact)
    assert started.status_code == 200 and started.get_json()["task_status"] == "in_progress"
    no_evidence = client.post(
        f"/api/v1/tasks/{task}/move", json={"action": "complete"}, headers=contact
    )
    assert no_evidence.status_code == 400 and "佐证" in no_evidence.get_json()["message"]
    done = client.post(
        f"/api/v1/tasks/{task}/move",
        json={"action": "complete", "evidence": "已上线"},
        headers=contact,
    )
    assert done.get_json()["task_status"] == "done"
    wrong = client.post(f"/api/v1/tasks/{task}/move", json={"action": "start"}, headers=contact)
    assert wrong.status_code == 409
    leader = client.post(
        f"/api/v1/tasks/{task}/move",
        json={"action": "reopen"},
        headers=bearer(db_session, "leader"),
    )
    assert leader.status_code == 403


@pytest.fixture
def published(db_session):
    session = db_session
    item = f.complete_item(session, code="SI-PUB-1")
    workflow.submit(session, item, f.user(session, "contact"))
    workflow.approve(session, item, f.user(session, "reviewer"), PASSWORD)
    session.commit()
    today = utcnow().date()
    pub = publication.publish(session, f.user(session, "reviewer"), PASSWORD, today, today)
    session.commit()
    return pub.number


def test_the_published_lists_come_as_json_and_xlsx_with_caching_headers(
    client, db_session, published
):
    portal = bearer(db_session, "leader", scopes=["lists:read"], kind="service")
    versions = client.get("/api/v1/lists", headers=portal)
    assert versions.get_json()["latest"] == published
    service = client.get(f"/api/v1/lists/{published}/service", headers=portal)
    assert service.status_code == 200
    body = service.get_json()
    assert body["title"] == "服务清单" and body["rows"][0][1] == "SI-PUB-1"
    etag = service.headers["ETag"]
    assert service.headers["Last-Modified"]
    again = client.get(
        f"/api/v1/lists/{published}/service", headers={"If-None-Match": etag, **portal}
    )
    assert again.status_code == 304 and again.headers["ETag"] == etag and not again.data
    xlsx = client.get(f"/api/v1/lists/{published}/service.xlsx", headers=portal)
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    items = client.get(f"/api/v1/lists/{published}/items", headers=portal).get_json()
    assert items["total"] == 1 and items["items"][0]["code"] == "SI-PUB-1"
    assert client.get(f"/api/v1/lists/{published}/nosuch", headers=portal).status_code == 404
    assert client.get(f"/api/v1/lists/{published + 1}", headers=portal).status_code == 404
    assert (
        client.get(
            "/api/v1/lists", headers=bearer(db_session, "contact", ["items:read"])
        ).status_code
        == 403
    )


def test_the_openapi_document_is_generated_and_read_from_the_consoles_own_files(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"] == "3.0.3" and has_chinese(spec["info"]["description"])
    for path in (
        "/api/v1/items",
        "/api/v1/items/{id}",
        "/api/v1/tasks/{id}/move",
        "/api/v1/lists/{number}/{kind}",
    ):
        assert path in spec["paths"], path
    assert spec["components"]["schemas"]["Items"]["properties"]["kind"]["enum"]
    assert has_chinese(spec["paths"]["/api/v1/items"]["get"]["summary"])
    docs = client.get("/api/v1/docs")
    page = docs.get_data(as_text=True)
    assert docs.status_code == 200 and "swagger-ui-bundle.js" in page
    assert "http://" not in page and "https://" not in page and "<script>" not in page
    for src in ("/static/appbuilder/js/swagger-ui-bundle.js", "/static/js/api-docs.js"):
        assert src in page and client.get(src).status_code == 200
    assert (
        "'unsafe-inline'"
        not in docs.headers["Content-Security-Policy"].split("script-src")[1].split(";")[0]
    )
