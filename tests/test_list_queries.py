"""List pages run a bounded number of SQL statements whatever the page holds."""

import pytest

from tests import factories as f
from tests.helpers import QueryCounter


def _fill(session, count, prefix):
    system = f.information_system(session, code=f"{prefix}-SYS")
    for n in range(count):
        f.service_item(
            session, code=f"{prefix}-{n:03d}", name=f"事项{n}", hosting_system_id=system.id
        )
        f.contact(session, name=f"联系人{prefix}{n}")
        f.information_system(session, code=f"{prefix}-SYS-{n:03d}")
    session.commit()


def _statements(app, client, url):
    from app.extensions import db

    client.get(url)  # warm: first request loads the user and compiles templates
    with app.app_context(), QueryCounter(db.engine) as counter:
        response = client.get(url)
    assert response.status_code == 200
    return counter.count


@pytest.mark.parametrize(
    "url", ["/serviceitemview/list/", "/contactview/list/", "/informationsystemview/list/"]
)
def test_statement_count_does_not_grow_with_rows(app, client_as, db_session, url):
    client = client_as("admin")
    _fill(db_session, 2, "A")
    small = _statements(app, client, url)
    _fill(db_session, 25, "B")
    full = _statements(app, client, url)
    assert full == small, f"{url}: {small} statements with 2 rows, {full} with a full page"
    # user, roles, groups, permissions (cached per request), inbox count, COUNT, page, and
    # the departments of the quick filter bar
    assert full <= 9, f"{url}: {full} statements"


def test_page_size_is_capped(app, client_as, db_session):
    """?psize_ cannot make the server render an unbounded page."""
    for n in range(app.config["LIST_MAX_PAGE_SIZE"] + 5):
        f.service_item(db_session, code=f"CAP-{n:04d}")
    db_session.commit()
    client = client_as("admin")
    response = client.get("/serviceitemview/list/?psize_ServiceItemView=100000")
    assert response.status_code == 200
    assert response.text.count("<td>CAP-") == app.config["LIST_MAX_PAGE_SIZE"]
    response = client.get("/serviceitemview/list/?psize_ServiceItemView=-5&page_ServiceItemView=-3")
    assert response.status_code == 200
    assert response.text.count("<td>CAP-") == 1


def test_search_form_does_not_load_related_tables(app, client_as, db_session):
    """No search column is a relation, so the form never lists a whole related table."""
    from app.extensions import appbuilder

    for view in appbuilder.baseviews:
        datamodel = getattr(view, "datamodel", None)
        if datamodel is None or not view.__class__.__module__.startswith("app."):
            continue
        relations = [c for c in view.search_columns if datamodel.is_relation(c)]
        assert not relations, f"{type(view).__name__} searches on relations {relations}"
