"""Campaign board, yearly assessment and home pages on the demo college at scale.

Seeds (or reuses) the demo college with N items (default 100,000; `--items N`) and prints the
median time of building the board for every department and of the yearly assessment (service
calls), of the board page and of the IT administrator's home page (HTTP, in process), with the
SQL statements each runs.

    .venv/bin/python bench/board.py [--items N] [--runs 3]
"""

import argparse
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_app, logged_in_client, median_ms


def statements(engine, func):
    from tests.helpers import QueryCounter

    with QueryCounter(engine) as counter:
        func()
    return counter.count


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    app = bench_app(args.items)
    from app.extensions import db
    from app.services.campaign import assessment, board

    client = logged_in_client(app)
    today = date.today()
    with app.app_context():
        cases = {
            "board (service, all departments)": lambda: board.build(db.session, today),
            "assessment (service)": lambda: assessment.assess(db.session, today.year),
            "board page": lambda: client.get("/board/"),
            "home page (IT admin)": lambda: client.get("/"),
            "assessment page": lambda: client.get(f"/assessment/?year={today.year}"),
            "assessment XLSX": lambda: client.get(f"/assessment/export.xlsx?year={today.year}"),
        }
        print(f"{'case':36} {'median ms':>10} {'SQL':>5}")
        for name, func in cases.items():
            ms = median_ms(func, runs=args.runs, warmup=1)
            db.session.rollback()
            count = statements(db.engine, func)
            db.session.rollback()
            print(f"{name:36} {ms:10.1f} {count:5d}")


if __name__ == "__main__":
    main()
