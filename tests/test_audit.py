"""The audit trail: complete, field-level, append-only, hash-chained, atomic with its change."""

import json

import pytest
from sqlalchemy import text

from app.models import AuditEntry, ServiceItem
from app.services.review import workflow
from app.services.trail import audit, chain
from tests import factories as f
from tests.factories import PASSWORD


def _entries(session, record):
    return (
        session.query(AuditEntry)
        .filter_by(record_type=record.__table__.name, record_id=record.id)
        .order_by(AuditEntry.seq)
        .all()
    )


def test_create_update_delete_through_the_pages_are_recorded(client_as, db_session):
    client = client_as("admin")
    dept = f.department(db_session)
    response = client.post(
        "/serviceitemview/add",
        data={
            "code": "SI-AUD",
            "name": "用印申请",
            "department": str(dept.id),
            "kind": "approval",
            "running_status": "good",
        },
        environ_base={"REMOTE_ADDR": "10.1.2.3"},
    )
    assert response.status_code == 302
    item = db_session.query(ServiceItem).filter_by(code="SI-AUD").one()
    client.post(
        f"/serviceitemview/edit/{item.id}",
        data={
            "code": "SI-AUD",
            "name": "用印申请（新）",
            "department": str(dept.id),
            "kind": "approval",
            "running_status": "improve",
            "version_seen": str(item.version),
        },
    )
    item_id = item.id
    client.post(f"/serviceitemview/delete/{item_id}")
    db_session.expire_all()
    entries = (
        db_session.query(AuditEntry)
        .filter_by(record_type="service_item", record_id=item_id)
        .order_by(AuditEntry.seq)
        .all()
    )[-3:]
    assert [e.action for e in entries] == ["create", "update", "delete"]
    create, update, delete = entries
    assert create.username == "t_admin" and create.ip == "10.1.2.3"
    assert json.loads(create.changes)["name"] == [None, "用印申请"]
    changes = json.loads(update.changes)
    assert changes["name"] == ["用印申请", "用印申请（新）"]
    assert changes["running_status"] == ["good", "improve"]
    assert json.loads(delete.changes)["code"] == ["SI-AUD", None]
    assert create.department_id == dept.id


def test_a_transition_is_one_entry_with_its_fields(db_session):
    item = f.complete_item(db_session, code="SI-AUD-T")
    db_session.commit()
    before = len(_entries(db_session, item))
    workflow.submit(db_session, item, f.user(db_session, "contact"))
    db_session.commit()
    entries = _entries(db_session, item)
    assert len(entries) == before + 1
    changes = json.loads(entries[-1].changes)
    assert entries[-1].action == "transition"
    assert changes["status"] == ["draft", "submitted"] and "submitted_at" in changes


def test_login_success_and_failure_are_recorded(client, db_session):
    client.post("/login/", data={"username": "t_leader", "password": "wrong"})
    client.post("/login/", data={"username": "t_leader", "password": PASSWORD})
    last = db_session.query(AuditEntry).order_by(AuditEntry.seq.desc()).limit(2).all()
    assert [e.action for e in reversed(last)] == ["login_failed", "login"]
    assert all(e.summary == "t_leader" for e in last)


def test_permission_changes_are_recorded(db_session):
    from app.extensions import appbuilder

    sm = appbuilder.sm
    leader = f.user(db_session, "leader")
    contact_role = sm.find_role("部门联系人")
    leader.roles.append(contact_role)
    db_session.commit()
    entry = db_session.query(AuditEntry).order_by(AuditEntry.seq.desc()).first()
    assert entry.action == "permission" and entry.record_type == "ab_user"
    assert json.loads(entry.changes)["roles"][1] == ["部门联系人"]
    leader.roles.remove(contact_role)
    db_session.commit()


def test_chain_verifies(app, runner):
    from app.extensions import db

    with app.app_context(), db.engine.connect() as conn:
        assert chain.verify(conn) is None
    result = runner.invoke(args=["audit-verify"])
    assert result.exit_code == 0 and "校验通过" in result.output


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_entry SET username = 'x'", "DELETE FROM audit_entry"]
)
def test_database_refuses_to_change_or_delete_entries(app, db_session, statement):
    from sqlalchemy.exc import DatabaseError

    f.service_item(db_session, code="SI-IMM")
    db_session.commit()
    with pytest.raises(DatabaseError) as error:
        db_session.execute(text(statement))
        db_session.flush()
    db_session.rollback()
    assert "append-only" in str(error.value)


def test_verify_finds_the_first_tampered_entry(app, db_session):
    """With the trigger lifted inside a transaction, a rewritten entry breaks the chain there."""
    from app.extensions import db

    f.service_item(db_session, code="SI-TAMPER")
    db_session.commit()
    target = db_session.query(AuditEntry).order_by(AuditEntry.seq.desc()).offset(1).first().seq
    with app.app_context(), db.engine.connect() as conn:
        trans = conn.begin()
        try:
            # A write first: pysqlite then runs the DDL below inside this transaction too.
            conn.execute(text("UPDATE audit_head SET seq = seq"))
            if conn.dialect.name == "postgresql":
                conn.execute(
                    text("ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_append_only")
                )
            else:
                conn.execute(text("DROP TRIGGER audit_entry_no_update"))
            conn.execute(
                text("UPDATE audit_entry SET username = 'mallory' WHERE seq = :s"), {"s": target}
            )
            assert chain.verify(conn) == (target, "hash")
        finally:
            trans.rollback()
        assert chain.verify(conn) is None


def test_transition_and_its_entry_fail_together(db_session, monkeypatch):
    """If writing the audit entry fails, the transition is not written either."""
    item = f.complete_item(db_session, code="SI-ATOMIC")
    db_session.commit()
    entries_before = db_session.query(AuditEntry).count()

    def broken(row):
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "entry_hash", broken)
    with pytest.raises(RuntimeError):
        workflow.submit(db_session, item, f.user(db_session, "contact"))
        db_session.commit()
    db_session.rollback()
    monkeypatch.undo()
    db_session.expire_all()
    assert db_session.get(ServiceItem, item.id).status == "draft"
    assert db_session.query(AuditEntry).count() == entries_before


def test_audit_log_is_read_only_in_the_application(client_as, db_session):
    f.service_item(db_session, code="SI-RO")
    db_session.commit()
    entry = db_session.query(AuditEntry).order_by(AuditEntry.seq.desc()).first()
    admin = client_as("auditor")
    assert admin.get("/auditentryview/list/").status_code == 200
    assert admin.get(f"/auditentryview/show/{entry.id}").status_code == 200
    for url in (
        f"/auditentryview/edit/{entry.id}",
        f"/auditentryview/delete/{entry.id}",
        "/auditentryview/add",
    ):
        assert admin.post(url, data={"username": "x"}).status_code in (403, 404, 405)
    for role in ("contact", "admin", "security"):  # 三权分立: only the audit administrator
        assert client_as(role).get("/auditentryview/list/").status_code == 403
    db_session.expire_all()
    assert db_session.get(AuditEntry, entry.id).username == entry.username


def test_record_history_speaks_the_pages_language(client_as, db_session):
    """The history on a record's page names fields and coded values as its form does."""
    client = client_as("admin")
    item = f.complete_item(db_session, code="SI-HIST", running_status="good")
    db_session.commit()
    form = {
        "code": "SI-HIST",
        "name": item.name,
        "department": str(item.department_id),
        "kind": item.kind,
        "running_status": "deploy",
        "version_seen": str(item.version),
    }
    assert client.post(f"/serviceitemview/edit/{item.id}", data=form).status_code == 302
    page = client.get(f"/serviceitemview/show/{item.id}").text
    history = page[page.index('class="table table-condensed table-striped history"') :]
    assert "运行状态" in history and "良好 → 待部署" in history
    assert "running_status" not in history and "deploy" not in history
    assert "updated_at" not in history
