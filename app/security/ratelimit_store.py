"""A rate-limit storage shared by every process on one machine: a SQLite file.

Flask-Limiter keeps its counts in a `limits` storage. Of those `limits` 5.8 ships, `memory://`
counts per process (two gunicorn workers let twice the limit through), and the shared ones
(Redis, Memcached, MongoDB, etcd) are servers of their own. Without REDIS_URL the console
therefore registers this storage under the scheme `sqlitefile://` (the file's absolute path
follows, e.g. `sqlitefile:////srv/console/instance/ratelimits.db`): every worker opens the same
file, and each hit is one `BEGIN IMMEDIATE` transaction, so the count and the insert cannot
interleave between processes. It implements the moving window the console uses (and fixed
windows, for completeness). Several machines still need REDIS_URL: a file is one machine's.
"""

import os
import sqlite3
import threading
import time
import urllib.parse

from limits.storage import MovingWindowSupport, Storage

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS hit (key TEXT NOT NULL, at REAL NOT NULL, expires REAL NOT NULL)",
    "CREATE INDEX IF NOT EXISTS hit_key_at ON hit (key, at)",
    "CREATE INDEX IF NOT EXISTS hit_expires ON hit (expires)",
    "CREATE TABLE IF NOT EXISTS counter (key TEXT PRIMARY KEY, value INTEGER NOT NULL,"
    " expires REAL NOT NULL)",
)


class SQLiteFileStorage(Storage, MovingWindowSupport):
    """Counts in one SQLite file, safe across threads and processes."""

    STORAGE_SCHEME = ["sqlitefile"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.path = urllib.parse.unquote(urllib.parse.urlparse(uri or "").path)
        if not self.path:
            raise ValueError("sqlitefile:// needs a file path, e.g. sqlitefile:////tmp/limits.db")
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        self._pid = 0

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def _connect(self) -> sqlite3.Connection:
        if self._connection is None or self._pid != os.getpid():  # a forked worker reopens
            os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
            connection = sqlite3.connect(
                self.path, timeout=10, isolation_level=None, check_same_thread=False
            )
            connection.execute("PRAGMA journal_mode=WAL")
            for statement in _SCHEMA:
                connection.execute(statement)
            self._connection, self._pid = connection, os.getpid()
        return self._connection

    def _run(self, work):
        """Run `work(connection, now)` in one write transaction (BEGIN IMMEDIATE)."""
        with self._lock:
            connection = self._connect()
            connection.execute("BEGIN IMMEDIATE")
            try:
                result = work(connection, time.time())
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")
            return result

    # --- moving window ----------------------------------------------------------------------

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        if amount > limit:
            return False

        def work(connection, now):
            connection.execute("DELETE FROM hit WHERE expires <= ?", (now,))  # every key's old
            connection.execute("DELETE FROM hit WHERE key = ? AND at <= ?", (key, now - expiry))
            (count,) = connection.execute(
                "SELECT count(*) FROM hit WHERE key = ?", (key,)
            ).fetchone()
            if count + amount > limit:
                return False
            connection.executemany(
                "INSERT INTO hit (key, at, expires) VALUES (?, ?, ?)",
                [(key, now, now + expiry)] * amount,
            )
            return True

        return self._run(work)

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        def work(connection, now):
            oldest, count = connection.execute(
                "SELECT min(at), count(*) FROM hit WHERE key = ? AND at > ?", (key, now - expiry)
            ).fetchone()
            return (oldest if count else now), count

        return self._run(work)

    # --- fixed window counters --------------------------------------------------------------

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        def work(connection, now):
            connection.execute("DELETE FROM counter WHERE key = ? AND expires <= ?", (key, now))
            connection.execute(
                "INSERT INTO counter (key, value, expires) VALUES (?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = value + excluded.value",
                (key, amount, now + expiry),
            )
            return connection.execute("SELECT value FROM counter WHERE key = ?", (key,)).fetchone()[
                0
            ]

        return self._run(work)

    def get(self, key: str) -> int:
        def work(connection, now):
            row = connection.execute(
                "SELECT value FROM counter WHERE key = ? AND expires > ?", (key, now)
            ).fetchone()
            return row[0] if row else 0

        return self._run(work)

    def get_expiry(self, key: str) -> float:
        def work(connection, now):
            row = connection.execute(
                "SELECT max(expires) FROM (SELECT expires FROM counter WHERE key = ?"
                " UNION ALL SELECT expires FROM hit WHERE key = ?)",
                (key, key),
            ).fetchone()
            return row[0] if row and row[0] else now

        return self._run(work)

    def check(self) -> bool:
        try:
            self._run(lambda connection, now: connection.execute("SELECT 1").fetchone())
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        def work(connection, now):
            (hits,) = connection.execute("SELECT count(DISTINCT key) FROM hit").fetchone()
            (counters,) = connection.execute("SELECT count(*) FROM counter").fetchone()
            connection.execute("DELETE FROM hit")
            connection.execute("DELETE FROM counter")
            return hits + counters

        return self._run(work)

    def clear(self, key: str) -> None:
        def work(connection, now):
            connection.execute("DELETE FROM hit WHERE key = ?", (key,))
            connection.execute("DELETE FROM counter WHERE key = ?", (key,))

        self._run(work)
