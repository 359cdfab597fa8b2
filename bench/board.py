"""Campaign board, yearly assessment, portfolio and home pages on the demo college at scale.

Seeds (or reuses) the demo college with N items (default 100,000; `--items N`, several sizes
with `--items 10000,100000,300000`) and prints, for each page and service call, the median time
cold (the cache emptied before every run: what the first request after a change costs) and warm
(served under the data stamp), next to the limits of issue 15 (cold 300 ms, warm 50 ms), with
the SQL statements of a cold and of a warm run.

    .venv/bin/python bench/board.py [--items N[,N...]] [--runs 5]
"""

import argparse
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_app, logged_in_client, median_ms

COLD_LIMIT_MS, WARM_LIMIT_MS = 300, 50


def statements(engine, func):
    from tests.helpers import QueryCounter

    with QueryCounter(engine) as counter:
        func()
    return counter.count


def cases(app, db, client):
    from app.services.campaign import assessment, board

    today = date.today()
    return {
        "board (service, all departments)": lambda: board.build(db.session, today),
        "assessment (service)": lambda: assessment.assess(db.session, today.year),
        "board page": lambda: client.get("/board/"),
        "home page (IT admin)": lambda: client.get("/"),
        "assessment page": lambda: client.get(f"/assessment/?year={today.year}"),
        "assessment XLSX": lambda: client.get(f"/assessment/export.xlsx?year={today.year}"),
        "portfolio page": lambda: client.get("/portfolio/"),
        "dashboard page": lambda: client.get("/statistics/"),
    }


def run(items, runs):
    app = bench_app(items)
    from app.extensions import cache, db

    client = logged_in_client(app)
    figures = {}
    with app.app_context():
        print(f"\n{items} items ({db.engine.dialect.name})")
        print(
            f"{'case':34} {'cold ms':>8} {'limit':>6} {'warm ms':>8} {'limit':>6} "
            f"{'SQL cold':>8} {'SQL warm':>8}"
        )

        def cold(func):
            def run_cold():
                cache.clear()
                func()

            return run_cold

        for name, func in cases(app, db, client).items():
            cold_ms = median_ms(cold(func), runs=runs, warmup=1)
            db.session.rollback()
            cold_sql = statements(db.engine, cold(func))
            warm_ms = median_ms(func, runs=runs, warmup=1)
            db.session.rollback()
            warm_sql = statements(db.engine, func)
            db.session.rollback()
            figures[name] = (cold_ms, warm_ms)
            print(
                f"{name:34} {cold_ms:8.1f} {COLD_LIMIT_MS:6d} {warm_ms:8.1f} {WARM_LIMIT_MS:6d} "
                f"{cold_sql:8d} {warm_sql:8d}"
            )
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", default="100000")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    sizes = [int(n) for n in args.items.split(",")]
    table = {size: run(size, args.runs) for size in sizes}
    if len(sizes) > 1:
        print("\ngrowth with size (cold ms / warm ms)")
        print(f"{'case':34} " + " ".join(f"{size:>16}" for size in sizes))
        for name in table[sizes[0]]:
            cells = " ".join(f"{table[s][name][0]:8.1f}/{table[s][name][1]:<7.1f}" for s in sizes)
            print(f"{name:34} {cells}")


if __name__ == "__main__":
    main()
