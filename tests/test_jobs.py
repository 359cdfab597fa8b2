"""A large import runs in the background worker (a real Huey consumer on the queue's SQLite
storage; Redis when REDIS_URL is set), and its owner follows the progress until it is done."""

import io
import json
import os
import re
import signal
import subprocess
import sys
import time

import pytest

from app.models import InformationSystem
from tests.conftest import ROOT
from tests.test_sheets import _bytes, _seed, _workbook


@pytest.fixture
def consumer(app, monkeypatch):
    """A Huey consumer with one worker thread, started and stopped around the test; imports
    of any size go to it."""
    from app import jobs

    monkeypatch.setitem(app.config, "JOB_INLINE_ROWS", 0)
    jobs.bind_app(app)
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    worker = jobs.huey.create_consumer(workers=1, worker_type="thread", periodic=False)
    worker.start()
    yield worker
    worker.stop(graceful=True)
    for sig, handler in handlers.items():
        signal.signal(sig, handler)


def _upload(client):
    book = _workbook(client.get("/sheets/template/systems").data)
    ws = book.worksheets[1]
    headers = [c.value for c in ws[2]]
    ws.cell(3, headers.index("开发承建厂商") + 1, "后台厂商")
    response = client.post(
        "/sheets/upload",
        data={"file": (io.BytesIO(_bytes(book)), "systems.xlsx")},
        content_type="multipart/form-data",
    )
    assert "检查通过" in response.text
    return re.search(r'name="token" value="([^"]+)"', response.text).group(1)


def test_confirmed_import_runs_in_the_worker_with_progress(consumer, client_as, db_session):
    _seed(db_session)
    client = client_as("contact")
    token = _upload(client)
    response = client.post("/sheets/confirm", data={"token": token})
    assert response.status_code == 302 and "/sheets/jobs/" in response.location
    page = client.get(response.location)
    assert page.status_code == 200 and 'role="progressbar"' in page.text
    state_url = response.location + ".json"
    deadline = time.monotonic() + 60
    while True:
        state = json.loads(client.get(state_url).data)
        if state["status"] in ("done", "failed") or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert state["status"] == "done", state
    assert state["done"] == state["total"] > 0
    db_session.expire_all()
    assert db_session.query(InformationSystem).filter_by(vendor="后台厂商").count() == 1
    page = client.get(response.location).text
    assert "导入完成" in page and "sheet-counts" in page
    assert client_as("contact_other").get(response.location).status_code == 404
    assert client.get("/sheets/jobs/" + "0" * 32).status_code == 404


def test_small_imports_stay_in_the_request(client_as, db_session):
    """Below JOB_INLINE_ROWS the confirmation imports at once, as before."""
    _seed(db_session)
    client = client_as("contact")
    token = _upload(client)
    response = client.post("/sheets/confirm", data={"token": token})
    assert response.status_code == 200 and "导入完成" in response.text


def test_with_redis_url_the_queue_and_job_states_live_in_redis():
    """REDIS_URL selects RedisHuey: a state saved by one process is read by another."""
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    env = dict(os.environ, REDIS_URL=url)
    code = (
        "from app import jobs; import huey, sys;"
        "assert isinstance(jobs.huey, huey.RedisHuey), type(jobs.huey);"
        "jobs._save(sys.argv[1], status='running', done=3) if sys.argv[2] == 'w' else "
        "print(jobs.state(sys.argv[1])['done'])"
    )
    job = "f" * 32
    run = [sys.executable, "-c", code, job]
    subprocess.run([*run, "w"], env=env, cwd=ROOT, check=True)
    out = subprocess.run([*run, "r"], env=env, cwd=ROOT, check=True, capture_output=True)
    assert out.stdout.decode().strip() == "3"
