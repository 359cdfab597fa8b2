"""A whole-college import through the background queue: the request returns at once.

Seeds (or reuses) the demo college with N items (default 10,000; `--items N`), downloads the
whole college's systems template as the IT office, changes every vendor, uploads it (the dry run
still runs in the request) and confirms it with JOB_INLINE_ROWS=0, so that the import goes to a
Huey consumer started in this process. Prints the confirmation request's time next to the
2-second limit (no request may run long enough for gunicorn's timeout), the time until the job
reports done, and how many progress states the browser could have seen.

    .venv/bin/python bench/jobs.py [--items N]
"""

import argparse
import io
import json
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_app, logged_in_client

REQUEST_LIMIT_MS = 2000


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    args = parser.parse_args()
    app = bench_app(args.items)
    app.config["JOB_INLINE_ROWS"] = 0
    from openpyxl import load_workbook

    from app import jobs

    client = logged_in_client(app)
    book = load_workbook(io.BytesIO(client.get("/sheets/template/systems").data))
    sheet = book.worksheets[1]
    headers = [c.value for c in sheet[2]]
    column = headers.index("开发承建厂商") + 1
    stamp = time.strftime("%H%M%S")
    for row in range(3, sheet.max_row + 1):
        sheet.cell(row, column, f"基准厂商{stamp}")
    buffer = io.BytesIO()
    book.save(buffer)
    started = time.perf_counter()
    response = client.post(
        "/sheets/upload",
        data={"file": (io.BytesIO(buffer.getvalue()), "systems.xlsx")},
        content_type="multipart/form-data",
    )
    upload_ms = (time.perf_counter() - started) * 1000
    token = re.search(r'name="token" value="([^"]+)"', response.text).group(1)
    jobs.bind_app(app)
    consumer = jobs.huey.create_consumer(workers=1, worker_type="thread", periodic=False)
    consumer.start()
    try:
        started = time.perf_counter()
        response = client.post("/sheets/confirm", data={"token": token})
        confirm_ms = (time.perf_counter() - started) * 1000
        assert response.status_code == 302, response.status_code
        seen = set()
        while True:
            state = json.loads(client.get(response.location + ".json").data)
            seen.add((state["status"], state["done"]))
            if state["status"] in ("done", "failed"):
                break
            time.sleep(0.1)
        job_s = time.perf_counter() - started
    finally:
        consumer.stop(graceful=True)
    print(f"systems sheet: {state['total']} rows; job {state['status']}")
    print(f"upload with dry run (in the request): {upload_ms:9.1f} ms")
    print(
        f"confirm request (queues the job):     {confirm_ms:9.1f} ms  limit {REQUEST_LIMIT_MS} ms"
    )
    print(
        f"job done after:                       {job_s:9.2f} s   progress states seen {len(seen)}"
    )


if __name__ == "__main__":
    main()
