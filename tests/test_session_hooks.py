"""Every session hook runs once per event, however many times a process installs it."""

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from app.models import AuditEntry, Department
from app.services.catalog import completeness_sql
from app.services.trail import audit, data_version


def test_installing_again_adds_no_second_hook(app, db_session):
    for module in (audit, data_version, completeness_sql):
        module.install()
        module.install()
        for name, function in module.HOOKS:
            assert event.contains(Session, name, function), (module.__name__, name)
    before = db_session.scalar(select(func.count()).select_from(AuditEntry))
    db_session.add(Department(code="HOOK", name="钩子测试部门", kind="functional"))
    db_session.commit()
    after = db_session.scalar(select(func.count()).select_from(AuditEntry))
    assert after - before == 1  # one create, audited once
