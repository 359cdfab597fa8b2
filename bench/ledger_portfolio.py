"""Rectification ledger and portfolio insight on the demo college: server times and statements.

Prints, for the IT administrator on N items (default 100,000; `--items N`): the portfolio page
(系统画像与诊断), the ledger list, the overdue list and the ledger export, each as median
milliseconds and SQL statements per request.

    .venv/bin/python bench/ledger_portfolio.py [--items N] [--runs 10]
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event

from bench.common import bench_app, logged_in_client, median_ms

PAGES = (
    ("portfolio page", "/portfolio/"),
    ("ledger list", "/rectificationtaskview/list/"),
    ("overdue list", "/overduetaskview/list/"),
    ("ledger export", "/ledger/export.xlsx"),
)


def statements(app, client, url):
    from app.extensions import db

    seen = []
    with app.app_context():
        engine = db.engine

    def count(*_args):
        seen.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200, url
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    app = bench_app(args.items)
    client = logged_in_client(app)
    with app.app_context():
        from app.extensions import db
        from app.models import InformationSystem, RectificationTask

        systems = db.session.query(InformationSystem).count()
        tasks = db.session.query(RectificationTask).count()
    print(f"{args.items} items, {systems} systems, {tasks} tasks")
    for label, url in PAGES:
        n = statements(app, client, url)
        ms = median_ms(lambda url=url: client.get(url), runs=args.runs, warmup=2)
        print(f"{label:16s} {ms:8.1f} ms  {n:3d} statements")


if __name__ == "__main__":
    main()
