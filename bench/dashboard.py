"""统计分析 dashboard: cold and warm server times of the page and of each chart.

Seeds N items (default 100,000; `--items N`), logs in as the IT administrator (the whole
college, the heaviest scope) and prints, through the in-process test client:

- the dashboard page (ten aggregate queries and their tables) cold, i.e. with the chart cache
  emptied before each run, and warm (served from the cache);
- each chart as PNG and SVG cold (its query and its drawing) and warm (cached bytes);
- the bare aggregate query of each figure, for comparison with the cold chart.

    .venv/bin/python bench/dashboard.py [--items N] [--cold-runs 3] [--runs 20]
"""

import argparse
import statistics as stats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BENCH_USER, bench_app, logged_in_client, median_ms


def cold_ms(func, clear, runs):
    """Median of `runs` timings of func(), each after clear()."""
    samples = []
    for _ in range(runs):
        clear()
        started = time.perf_counter()
        func()
        samples.append((time.perf_counter() - started) * 1000)
    return stats.median(samples)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--cold-runs", type=int, default=3)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    app = bench_app(args.items)
    client = logged_in_client(app)

    from app.extensions import appbuilder, db
    from app.services.insight import dashboard, figures

    def get(url):
        def request():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return request

    clear = dashboard.clear_cache
    page = get("/statistics/")
    get("/statistics/chart/system_costs.png")()  # import Matplotlib and load the font first
    results = [
        (
            "dashboard page",
            cold_ms(page, clear, args.cold_runs),
            median_ms(page, runs=args.runs, warmup=1),
            None,
        )
    ]
    for figure in figures.FIGURES:
        for fmt in ("png", "svg"):
            chart = get(f"/statistics/chart/{figure.name}.{fmt}")
            results.append(
                (
                    f"{figure.name}.{fmt}",
                    cold_ms(chart, clear, args.cold_runs),
                    median_ms(chart, runs=args.runs, warmup=1),
                    None,
                )
            )
    # The figures' bare queries, outside any request (requests get their own app context).
    with app.app_context():
        user = appbuilder.sm.find_user(username=BENCH_USER)
        engine = db.engine.dialect.name
        for index, figure in enumerate(figures.FIGURES):

            def query(figure=figure):
                figure.rows(db.session, user)
                db.session.rollback()

            name, cold, warm, _bare = results[1 + 2 * index]
            results[1 + 2 * index] = (
                name,
                cold,
                warm,
                median_ms(query, runs=args.cold_runs, warmup=1),
            )

    total_cold = sum(cold for name, cold, _w, _b in results if name.endswith(".png"))
    print(
        f"items: {args.items}  engine: {engine}  cold runs: {args.cold_runs}  "
        f"warm runs: {args.runs}"
    )
    print(f"{'':32} {'cold ms':>9} {'warm ms':>9} {'query ms':>9}")
    for name, cold, warm, bare in results:
        query = f"{bare:9.1f}" if bare is not None else f"{'':>9}"
        print(f"{name:32} {cold:9.1f} {warm:9.2f} {query}")
    print(f"page + its ten PNG charts, all cold: {results[0][1] + total_cold:.0f} ms")


if __name__ == "__main__":
    main()
