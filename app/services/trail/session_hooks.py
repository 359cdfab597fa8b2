"""Hooks on every ORM session, installed once per process.

The audit trail, the data stamp and the stored completeness each follow a session's flushes
and commits. Each declares its hooks as a table and installs them with `listen_once`, which
SQLAlchemy's own registry (`event.contains`) keeps from installing twice, whether the app is
created once (gunicorn) or many times (the tests). The order of installation is the order the
hooks run in.
"""

from collections.abc import Callable, Iterable

from sqlalchemy import event
from sqlalchemy.orm import Session


def listen_once(hooks: Iterable[tuple[str, Callable]]) -> None:
    """Listen to each (session event, function) on every Session unless already listening."""
    for name, function in hooks:
        if not event.contains(Session, name, function):
            event.listen(Session, name, function)
