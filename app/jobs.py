"""Background jobs on a Huey queue: a confirmed import runs in the worker, not in the request.

The queue is `RedisHuey` when REDIS_URL is set (shared by every app host and worker), else
`SqliteHuey` in the instance folder (shared by the web workers and the consumer of one host).
`make run` starts the consumer beside gunicorn:
`huey_consumer app.jobs.huey --workers 1 --worker-type thread`.

A job's state lives in the queue's own key-value storage under ``job:<id>``: its kind, owner,
status (queued, running, done, failed), rows done and rows in all, a message, and when it is
over its summary (counts per sheet and the first problems), which the browser polls
(`/sheets/jobs/<id>.json`) until it is over. Like the CLI, a job is its own transaction and
commits it (the request that queued it has long returned), or rolls it all back.
"""

import logging
import time
import uuid
from pathlib import Path
from typing import Any

from flask import Flask
from huey import RedisHuey, SqliteHuey

import config as settings

log = logging.getLogger(__name__)
STATE_TTL_SECONDS = 7 * 24 * 3600
PROGRESS_EVERY_SECONDS = 0.5
PROBLEMS_KEPT = 500


def _make_huey():
    if settings.REDIS_URL:
        return RedisHuey("console-jobs", url=settings.REDIS_URL)
    settings.INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("console-jobs", filename=str(settings.INSTANCE_DIR / "jobs.db"))


huey = _make_huey()
_APP: Flask | None = None


def bind_app(app: Flask) -> None:
    """The application jobs run in (create_app binds itself; the consumer makes its own)."""
    global _APP
    _APP = app


def _app() -> Flask:
    if _APP is None:
        from app import create_app

        bind_app(create_app())
    return _APP


def _key(job_id: str) -> str:
    return f"job:{job_id}"


def state(job_id: str) -> dict[str, Any] | None:
    """The job's state, or None for an unknown id."""
    return huey.get(_key(job_id), peek=True)


def _save(job_id: str, **changes: Any) -> dict[str, Any]:
    current = state(job_id) or {}
    current.update(changes, updated=time.time())
    huey.put(_key(job_id), current)
    return current


def _summary(report) -> dict[str, Any]:
    return {
        "ok": report.ok,
        "rows": report.rows,
        "counts": report.counts,
        "totals": {w: report.total(w) for w in ("add", "change", "delete", "same", "skip")},
        "problems": [
            (p.level, p.sheet, p.row, p.column, p.message) for p in report.problems[:PROBLEMS_KEPT]
        ],
        "more_problems": max(len(report.problems) - PROBLEMS_KEPT, 0),
    }


def enqueue_import(
    user_id: int, department_code: str | None, path: Path, filename: str, rows: int
) -> str:
    """Queue the import of a checked upload; returns the job id."""
    job_id = uuid.uuid4().hex
    _save(
        job_id,
        kind="import",
        owner_id=user_id,
        filename=filename,
        status="queued",
        done=0,
        total=rows,
        message="",
    )
    run_import.schedule((job_id, user_id, department_code, str(path)), delay=0)
    return job_id


class _Progress:
    """Counts the rows the importer reports and saves them at most twice a second."""

    def __init__(self, job_id: str) -> None:
        self.job_id, self.done, self.saved = job_id, 0, 0.0

    def __call__(self, rows: int) -> None:
        self.done += rows
        now = time.monotonic()
        if now - self.saved >= PROGRESS_EVERY_SECONDS:
            self.saved = now
            _save(self.job_id, done=self.done)


def _run(job_id: str, work, failure: str) -> None:
    """Run `work(app, session)` as the job's one transaction, in the app: `work` commits or
    rolls back and returns the job's final state; a refusal (DomainError) or a crash rolls
    everything back and says why (`failure` for a crash, in Chinese)."""
    from app.extensions import db
    from app.services.errors import DomainError

    app = _app()
    with app.app_context():
        _save(job_id, status="running")
        session = db.session
        try:
            _save(job_id, **work(app, session))
        except DomainError as error:
            session.rollback()
            _save(job_id, status="failed", message=str(error))
        except Exception:
            session.rollback()
            log.exception("job %s failed", job_id)
            _save(job_id, status="failed", message=str(failure))
        finally:
            session.remove()


@huey.task()
def run_import(job_id: str, user_id: int, department_code: str | None, path: str) -> None:
    """Import a checked upload for real, in one transaction, reporting progress."""
    from flask_babel import lazy_gettext as _l

    from app.models import ConsoleUser
    from app.services.sheets import exporter, importer

    def work(app, session):
        user = session.get(ConsoleUser, user_id)
        department = (
            exporter.resolve_department(session, user, department_code) if department_code else None
        )
        progress = _Progress(job_id)
        report = importer.run_import(
            session, Path(path).read_bytes(), user, department=department, progress=progress
        )
        if report.ok:
            session.commit()
        else:
            session.rollback()
        return {
            "status": "done" if report.ok else "failed",
            "done": progress.done,
            "summary": _summary(report),
            "message": ""
            if report.ok
            else str(_l("数据已变化，导入未执行。请查看问题后重新上传。")),
        }

    try:
        _run(job_id, work, _l("导入失败，未写入任何数据，请稍后重试。"))
    finally:
        Path(path).unlink(missing_ok=True)


def enqueue_entry_check(user_id: int, items: int) -> str:
    """Queue a check of every live item's online entry; returns the job id."""
    job_id = uuid.uuid4().hex
    _save(job_id, kind="entries", owner_id=user_id, status="queued", total=items, message="")
    run_entry_check.schedule((job_id, user_id), delay=0)
    return job_id


@huey.task()
def run_entry_check(job_id: str, user_id: int) -> None:
    """Check every live item's entry in the worker (services/ledger/entries.py), one
    transaction, and keep the counts for the progress page."""
    from flask_babel import lazy_gettext as _l

    from app.models import ConsoleUser
    from app.services.ledger import entries

    def work(app, session):
        counts = entries.check_all(session, session.get(ConsoleUser, user_id), app.config)
        session.commit()
        return {"status": "done", "summary": counts}

    _run(job_id, work, _l("检查失败，未记录任何结果，请稍后重试。"))
