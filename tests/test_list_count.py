"""The lists count their rows with count(*) (SQLite's fast count), with no subquery, and the
total still equals the rows a filter selects."""

from flask_appbuilder.models.sqla.filters import FilterStartsWith

from app.models import ServiceItem
from app.views.base import ConsoleInterface
from tests import factories as f
from tests.helpers import QueryCounter


def test_list_count_is_count_star_and_matches_the_rows(app, db_session):
    from app.extensions import db

    for n in range(12):
        f.service_item(db_session, code=f"CNT-{n:02d}", name=("证明" if n % 3 else "借阅") + str(n))
    db_session.commit()
    interface = ConsoleInterface(ServiceItem, db.session)
    with QueryCounter(db.engine) as counter:
        total, rows = interface.query(page=0, page_size=5)
    counts = [s for s in counter.statements if "count(" in s.lower()]
    assert total == 12 and len(rows) == 5
    assert len(counts) == 1 and "count(*)" in counts[0].lower()
    assert "FROM (SELECT" not in counts[0]
    filters = interface.get_filters(["name"])
    filters.add_filter("name", FilterStartsWith, "证明")
    total, rows = interface.query(filters, page=0, page_size=50)
    assert total == len(rows) == 8


def test_a_scope_that_sees_nothing_counts_nothing(app, db_session):
    """A list whose only criterion is constant (a user without a department) counts 0."""
    from sqlalchemy import false

    from app.extensions import db

    f.service_item(db_session, code="CNT-NONE")
    db_session.commit()
    interface = ConsoleInterface(ServiceItem, db.session)
    query = db.session.query(ServiceItem).filter(false())
    assert interface.query_count(query) == 0
