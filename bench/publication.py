"""Publication of the three lists: publish time, list XLSX against XlsxWriter bare, public search.

Seeds N items (default 100,000; `--items N`), publishes the lists once (all current approved
versions), then prints: seconds to publish; seconds and peak traced memory to write the service
list XLSX of that publication through SheetWriter, next to XlsxWriter writing the same cells bare;
and the median time of the public list page (search, count, department filter) for 2- and
4-character Chinese queries next to the 30 ms limit and the bare SQL floor (LIKE on the narrow
copy, FTS5 trigram / pg_trgm for 3+ characters).

    .venv/bin/python bench/publication.py [--items N] [--runs 20]
"""

import argparse
import io
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BENCH_PASSWORD, BENCH_USER, bench_app, median_ms


def measured(func, memory=True):
    """(result, seconds, peak MiB): timed on its own, then run again under tracemalloc (which
    slows Python down) for the peak of traced memory."""
    started = time.perf_counter()
    result = func()
    seconds = time.perf_counter() - started
    if not memory:
        return result, seconds, None
    tracemalloc.start()
    func()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return result, seconds, peak / 2**20


def bare(rows, headers):
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True})
    sheet = book.add_worksheet()
    for col, text in enumerate(headers):
        sheet.write_string(0, col, text)
    for r, row in enumerate(rows, 1):
        for col, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, (int, float)):
                sheet.write_number(r, col, value)
            else:
                sheet.write_string(r, col, str(value))
    book.close()
    return buffer.getvalue()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    app = bench_app(args.items)
    from app.extensions import appbuilder, db
    from app.reports.lists_xlsx import rows_workbook
    from app.services.publish import lists, publication

    with app.test_request_context():
        user = appbuilder.sm.find_user(username=BENCH_USER)
        pub, seconds, _peak = measured(
            lambda: publication.publish(db.session, user, BENCH_PASSWORD), memory=False
        )
        db.session.commit()
        print(f"publish: {pub.item_count} items in {seconds:.2f} s")
        items = publication.items_of(db.session, pub)
        rows, seconds, _peak = measured(lambda: lists.service_rows(items), memory=False)
        print(f"service list rows from the publication: {seconds:.2f} s")
        _data, seconds, peak = measured(lambda: rows_workbook("service", rows, pub.published_at))
        print(f"service list XLSX (SheetWriter): {seconds:.2f} s, peak {peak:.0f} MiB")
        _data, bare_seconds, bare_peak = measured(lambda: bare(rows, lists.headers("service")))
        print(
            f"same cells, XlsxWriter bare:     {bare_seconds:.2f} s, peak {bare_peak:.0f} MiB"
            f" (ratio {seconds / bare_seconds:.2f})"
        )
    client = app.test_client()
    with app.app_context():
        pub = publication.latest(db.session)
        bare_search = bare_search_timer(db, pub.id)
    print(f"{'public list page':28} {'median ms':>9} {'limit':>6} {'bare SQL ms':>11}")
    for query in ("证明", "学生", "成绩证明", "教务管理"):
        ms = median_ms(
            lambda q=query: client.get("/public/", query_string={"q": q}), runs=args.runs, warmup=3
        )
        with app.app_context():
            bare_ms = median_ms(lambda q=query: bare_search(q), runs=args.runs, warmup=3)
        print(
            f"q={query} ({len(query)} chars){'':14} {ms:9.1f} {SEARCH_LIMIT_MS:6d} {bare_ms:11.1f}"
        )


SEARCH_LIMIT_MS = 30


def bare_search_timer(db, publication_id):
    """The bare floor of a search: LIKE on the narrow copy below 3 characters, FTS5 trigram
    (SQLite) or the trigram-indexed LIKE (PostgreSQL) from 3, count and first page only."""
    from sqlalchemy import text

    sqlite = db.engine.dialect.name == "sqlite"

    def run(term):
        with db.engine.connect() as conn:
            if sqlite and len(term) >= 3:
                where = (
                    "id IN (SELECT rowid FROM publication_search_fts"
                    " WHERE publication_search_fts MATCH :t)"
                )
                value = f'"{term}"'
            else:
                where, value = "body LIKE :t", f"%{term}%"
            params = {"p": publication_id, "t": value}
            base = f"FROM publication_search WHERE publication_id = :p AND {where}"
            conn.execute(text(f"SELECT count(*) {base}"), params).scalar()
            conn.execute(
                text(f"SELECT id {base} ORDER BY department_name, code LIMIT 50"), params
            ).all()

    return run


if __name__ == "__main__":
    main()
