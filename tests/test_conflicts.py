"""No lost updates: a second save based on an old version is refused with a reload hint."""

import re

from app.models import ServiceItem
from tests import factories as f


def _edit_form(client, pk):
    page = client.get(f"/serviceitemview/edit/{pk}").text
    seen = re.search(r'name="version_seen"[^>]*value="(\d+)"', page) or re.search(
        r'value="(\d+)"[^>]*name="version_seen"', page
    )
    assert seen, "the edit form carries the version the editor saw"
    return seen.group(1)


def _data(session, item, **changes):
    return {
        "code": item.code,
        "name": item.name,
        "department": str(item.department_id),
        "kind": item.kind,
        "running_status": item.running_status,
        **changes,
    }


def test_second_editor_of_the_same_version_is_refused(client_as, db_session):
    item = f.service_item(db_session, code="SI-LOCK")
    db_session.commit()
    first, second = client_as("admin"), client_as("contact")
    seen_first = _edit_form(first, item.id)
    seen_second = _edit_form(second, item.id)
    assert seen_first == seen_second == str(item.version)

    response = first.post(
        f"/serviceitemview/edit/{item.id}",
        data={**_data(db_session, item, name="第一位的修改"), "version_seen": seen_first},
    )
    assert response.status_code == 302

    response = second.post(
        f"/serviceitemview/edit/{item.id}",
        data={**_data(db_session, item, name="第二位的修改"), "version_seen": seen_second},
    )
    assert response.status_code == 200
    assert "已被他人修改" in response.text and "重新加载" in response.text
    assert "第二位的修改" in response.text, "the refused input is still in the form"
    db_session.expire_all()
    stored = db_session.get(ServiceItem, item.id)
    assert stored.name == "第一位的修改"
    assert stored.version == int(seen_first) + 1

    # After reloading, the second editor sees the new version and can save.
    seen_again = _edit_form(second, item.id)
    response = second.post(
        f"/serviceitemview/edit/{item.id}",
        data={**_data(db_session, stored, name="第二位的修改"), "version_seen": seen_again},
    )
    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.get(ServiceItem, item.id).name == "第二位的修改"


def test_orm_version_counter_refuses_a_stale_flush(app, db_session):
    """Below the forms, two sessions holding the same version cannot both write."""
    import pytest
    from sqlalchemy.orm import Session
    from sqlalchemy.orm.exc import StaleDataError

    from app.extensions import db

    item = f.service_item(db_session, code="SI-STALE")
    db_session.commit()
    with Session(db.engine) as one, Session(db.engine) as two:
        a, b = one.get(ServiceItem, item.id), two.get(ServiceItem, item.id)
        a.name = "甲"
        one.commit()
        b.name = "乙"
        with pytest.raises(StaleDataError):
            two.commit()
    db_session.expire_all()
    assert db_session.get(ServiceItem, item.id).name == "甲"
