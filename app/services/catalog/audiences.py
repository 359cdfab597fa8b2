"""The audience reference list (服务对象) as the IT office keeps it (`AudienceGroup`).

`install()` makes `USER_GROUP` and `AUDIENCE_SYNONYMS` of `app.models.choices` read the table:
forms, list labels, the Excel import's reading (`read_audience`, the sheets' code columns), the
public filter and the statistics all see what the IT office last saved. The list is read once
per application context (one request, one CLI command) and read again after a flush that
changed it; while the table is empty the built-in list answers.
"""

from __future__ import annotations

from flask import g, has_app_context
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from app.models import AudienceGroup
from app.models.choices import ReferenceList
from app.services.trail.session_hooks import listen_once

_CACHE = "audience_reference_list"


def reference_list(session: Session) -> tuple[tuple, dict] | None:
    """((code, label) pairs of the active rows in order, {word: codes}); None when empty."""
    rows = session.scalars(
        select(AudienceGroup)
        .where(AudienceGroup.active.is_(True))
        .order_by(AudienceGroup.sort_order, AudienceGroup.id)
    ).all()
    if not rows:
        return None
    synonyms: dict[str, tuple[str, ...]] = {}
    for row in rows:
        for word in row.synonym_words():
            synonyms[word] = synonyms.get(word, ()) + (row.code,)
    return tuple((row.code, row.label) for row in rows), synonyms


_READY: set[str] = set()  # database URLs whose schema has the table


def _table_ready(db) -> bool:
    """Whether the table exists (not before `flask db upgrade`); asked by inspection, which no
    engine's transaction minds, and remembered once it does."""
    url = str(db.engine.url)
    if url not in _READY and inspect(db.engine).has_table(AudienceGroup.__tablename__):
        _READY.add(url)
    return url in _READY


def _load() -> tuple[tuple, dict] | None:
    if not has_app_context():
        return None
    if _CACHE not in g:
        from app.extensions import db

        if not _table_ready(db):
            return None
        with db.session.no_autoflush:
            g.setdefault(_CACHE, reference_list(db.session))
    return g.get(_CACHE)


def forget() -> None:
    """Read the list again at its next use (after the IT office changed it)."""
    if has_app_context():
        g.pop(_CACHE, None)


def _after_flush(session: Session, _context) -> None:
    changed = (*session.new, *session.dirty, *session.deleted)
    if any(isinstance(row, AudienceGroup) for row in changed):
        forget()


HOOKS = (("after_flush", _after_flush),)


def install() -> None:
    ReferenceList.load = _load
    listen_once(HOOKS)
