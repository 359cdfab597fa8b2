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

from bench.common import bench_app, logged_in_client, median_ms


def own_statements(executed):
    """The statements of the list itself (its COUNT and its page SELECT with joined relations),
    leaving out the login, permission and menu lookups every page makes."""
    return [
        (sql, params)
        for sql, params in executed
        if sql.lstrip().upper().startswith("SELECT") and "FROM service_item" in sql
    ]


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
        with QueryCounter(engine) as counter:
            page()
        statements = own_statements(counter.executed)

        def bare():
            with engine.connect() as conn:
                for sql, params in statements:
                    conn.exec_driver_sql(sql, params).all()

        server = median_ms(page, runs=args.runs)
        raw = median_ms(bare, runs=args.runs)

    print(f"items: {args.items}  engine: {engine.dialect.name}  runs: {args.runs}")
    print(f"list page (20 rows, related columns) median server time: {server:.1f} ms")
    print(f"the page's own {len(statements)} SELECTs run bare:              {raw:.2f} ms")
    print(f"ratio server / bare SQL:                              {server / raw:.1f}x")
    print(f"SQL statements per page:                              {counter.count}")


if __name__ == "__main__":
    main()
