"""The data-version stamp: a counter that changes whenever the statistics' inputs change.

Charts, the board, the assessment and the portfolio are cached under a key that includes this
counter (see `app.services.trail.stamped`). Any flush that writes a row of `WATCHED_TABLES`, and
any bulk INSERT/UPDATE/DELETE statement on their tables
(the demo seeder's Core inserts, for example), marks the session; just before the session
commits, the counter of the ``statistics`` row of `data_stamp` is incremented in the same
transaction. Every worker reads the counter from the database, so after the commit no worker
serves a chart drawn from the old data, and a rolled-back change moves nothing.
"""

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.models import DataStamp
from app.services.trail.session_hooks import listen_once

STATISTICS = "statistics"
# Tables whose rows feed a chart of the dashboard, the campaign board, the assessment, the
# portfolio, the home pages or a governance finding (all cached under the stamp:
# app.services.trail.stamped).
WATCHED_TABLES = frozenset(
    {
        "service_item",
        "information_system",
        "department",
        "completeness_rule",
        "review_decision",
        "campaign",
        "campaign_phase",
        "capability",
        "contact",
        "material",
        "process_node",
        "rectification_task",
        "calendar_day",  # the official calendar: the board's overdue waits count on it
        # The service hall: its steps, requests and filed handlers feed the board's and the
        # assessment's hall figures (training is counted afresh: roles change at every login).
        "hall_step",
        "hall_request",
        "handler_assignment",
    }
)
_DIRTY = "statistics_data_changed"


def current(session: Session) -> int:
    """The statistics counter as committed (0 before the first change)."""
    value = session.execute(select(DataStamp.counter).where(DataStamp.name == STATISTICS)).scalar()
    return value or 0


def has_pending(session: Session) -> bool:
    """Whether `session` holds flushed, uncommitted changes of a watched table."""
    return bool(session.info.get(_DIRTY)) or any(
        _table_name(obj) in WATCHED_TABLES
        for objects in (session.new, session.dirty, session.deleted)
        for obj in objects
    )


def pending(session: Session) -> bool:
    """Whether the session flushed changes of a watched table that are not committed yet."""
    return bool(session.info.get(_DIRTY))


def bump(session: Session) -> None:
    """Move the counter now, in the session's transaction (the hooks call this before commit)."""
    table = DataStamp.__table__
    session.connection().execute(
        update(table).where(table.c.name == STATISTICS).values(counter=table.c.counter + 1)
    )


def _table_name(obj):
    table = getattr(obj, "__table__", None)
    return table.name if table is not None else None


def _after_flush(session, flush_context):
    for objects in (session.new, session.dirty, session.deleted):
        if any(_table_name(obj) in WATCHED_TABLES for obj in objects):
            session.info[_DIRTY] = True
            return


def _do_orm_execute(state):
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in WATCHED_TABLES:
        state.session.info[_DIRTY] = True


def _before_commit(session):
    session.flush()
    if session.info.pop(_DIRTY, False):
        bump(session)


def _after_rollback(session, previous_transaction):
    # A savepoint rolled back (one refused record of a batch) leaves the others' changes
    # pending: keep the mark; only the outermost rollback discards it.
    if not previous_transaction.nested:
        session.info.pop(_DIRTY, None)


HOOKS = (
    ("after_flush", _after_flush),
    ("do_orm_execute", _do_orm_execute),
    ("before_commit", _before_commit),
    ("after_soft_rollback", _after_rollback),
)


def install() -> None:
    """Hook every ORM session once per process (after the audit trail's hooks)."""
    listen_once(HOOKS)
