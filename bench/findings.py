"""Governance findings on the demo college: the findings page's server time next to its limit.

Prints, for the IT administrator on N items (default 100,000; `--items N`; the database is
seeded as `flask seed-demo --items N` would): the number of findings per rule, then the median
time and SQL statements of the findings page (the first page, a rule filter, a department
filter) with the findings cached for the data version, the same page when they must be
computed afresh (after any change to the registers), and `department_counts` for the campaign
board. The target is the performance issue's 50 ms per page.

    .venv/bin/python bench/findings.py [--items N] [--runs 10]
"""

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_app, logged_in_client, median_ms
from bench.ledger_portfolio import statements

LIMIT_MS = 50
PAGES = (
    ("findings page", "/findings/"),
    ("one rule", "/findings/?rule=repeat_reviewer"),
    ("one department", "/findings/?department=3"),
    ("capability map", "/findings/capabilities"),
)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    app = bench_app(args.items)
    client = logged_in_client(app)
    from app.extensions import db
    from app.models import ConsoleUser
    from app.services.insight import finding_actions, findings

    with app.app_context():
        findings.clear_cache()
        started = time.perf_counter()
        every = findings.compute(db.session)
        cold = (time.perf_counter() - started) * 1000
        print(f"{args.items} items: {len(every)} findings, computed in {cold:.0f} ms")
        for rule, n in sorted(Counter(f.rule for f in every).items()):
            print(f"  {rule:22s} {n:7d}")
        admin = db.session.query(ConsoleUser).filter_by(username="bench_admin").one()
        ms = median_ms(lambda: finding_actions.department_counts(db.session, admin), args.runs, 2)
        print(f"department_counts (cached) {ms:8.1f} ms")
    print(f"{'page':16s} {'median':>9s}  statements  limit {LIMIT_MS} ms")
    for label, url in PAGES:
        n = statements(app, client, url)
        ms = median_ms(lambda url=url: client.get(url), runs=args.runs, warmup=2)
        verdict = "ok" if ms <= LIMIT_MS else "OVER"
        print(f"{label:16s} {ms:7.1f} ms  {n:10d}  {verdict}")

    def uncached():
        findings.clear_cache()
        client.get("/findings/")

    ms = median_ms(uncached, runs=max(3, args.runs // 3), warmup=1)
    verdict = "ok" if ms <= LIMIT_MS else "OVER"
    print(f"{'page, recomputed':16s} {ms:7.1f} ms  {'':10s}  {verdict}")


if __name__ == "__main__":
    main()
