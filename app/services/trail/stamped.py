"""Values computed from the records, cached under the data-version stamp (Flask-Caching).

`stamped(session, name, parts, compute)` answers `compute()` from the cache configured in
config.py (Redis when REDIS_URL is set, files under the instance folder otherwise), under a key
made of the name, the parts (scope, language, day, ...) and the committed stamp of
`app.services.trail.data_version`: a committed change of a watched table moves the stamp, so
every worker and host computes afresh at its next request. A session holding uncommitted
changes of a watched table computes without the cache (its figures are not the committed ones).
Cached values are plain data (numbers, strings, tuples, dicts), never ORM objects.
"""

import hashlib
from collections.abc import Callable, Hashable
from typing import TypeVar

from sqlalchemy.orm import Session

from app.extensions import cache
from app.services.trail import data_version

T = TypeVar("T")
STATS = {"hits": 0, "misses": 0, "bypassed": 0}


def key(name: str, parts: tuple[Hashable, ...], version: int) -> str:
    digest = hashlib.sha1(repr((parts, version)).encode()).hexdigest()
    return f"{name}:{digest}"


def stamped(
    session: Session,
    name: str,
    parts: tuple[Hashable, ...],
    compute: Callable[[], T],
    version: int | None = None,
) -> T:
    """compute(), cached under (name, parts, committed data stamp); `version` is the stamp
    already read by the caller, else it is read now."""
    if version is None:
        version = data_version.current(session)  # autoflushes: pending() is then up to date
    if data_version.pending(session):
        STATS["bypassed"] += 1
        return compute()
    entry = key(name, parts, version)
    found = cache.get(entry)
    if found is not None:
        STATS["hits"] += 1
        return found[0]
    STATS["misses"] += 1
    value = compute()
    cache.set(entry, (value,))
    return value


def stats() -> dict[str, int]:
    """Hits, misses and bypasses of this process (for tests and benchmarks)."""
    return dict(STATS)
