"""Service-item list page: server time against the page's own SQL run bare.

Seeds N items (default 100,000; `--items N`), then prints for the list page (page size 20,
department and hosting system shown) the median server time, the median time of the same
COUNT and page SELECT run directly on the connection, their ratio, and the statements per page.

    .venv/bin/python bench/list_page.py [--items N] [--runs 30]
"""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.orm import aliased  # noqa: E402

from bench.common import bench_app, logged_in_client, median_ms  # noqa: E402


def page_statements():
    """The COUNT and the 20-row page with its joined relations, as the view needs them."""
    from app.models import Department, InformationSystem, ServiceItem

    system = aliased(InformationSystem)
    count = select(func.count(ServiceItem.id))
    page = (
        select(ServiceItem.code, ServiceItem.name, Department.name, ServiceItem.kind,
               ServiceItem.running_status, system.name, ServiceItem.time_limit_days,
               ServiceItem.status)
        .join(Department, ServiceItem.department_id == Department.id)
        .outerjoin(system, ServiceItem.hosting_system_id == system.id)
        .order_by(ServiceItem.code)
        .limit(20)
    )
    return count, page


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    app = bench_app(args.items)
    client = logged_in_client(app)
    url = "/serviceitemview/list/"

    from app.extensions import db
    from tests.helpers import QueryCounter

    def page():
        response = client.get(url)
        assert response.status_code == 200

    with app.app_context():
        engine = db.engine
        count_sql, page_sql = page_statements()

        def bare():
            with engine.connect() as conn:
                conn.execute(count_sql).scalar()
                conn.execute(page_sql).all()

        server = median_ms(page, runs=args.runs)
        raw = median_ms(bare, runs=args.runs)
        with QueryCounter(engine) as counter:
            page()

    print(f"items: {args.items}  engine: {engine.dialect.name}  runs: {args.runs}")
    print(f"list page (20 rows, related columns) median server time: {server:.1f} ms")
    print(f"same COUNT + page SELECT run bare:                   {raw:.2f} ms")
    print(f"ratio server / bare SQL:                              {server / raw:.1f}x")
    print(f"SQL statements per page:                              {counter.count}")


if __name__ == "__main__":
    main()
