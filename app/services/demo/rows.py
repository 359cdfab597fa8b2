"""What every seeding step shares: the context (time, departments, systems, demo people),
per-record random sources, drafts read like records, and batched Core inserts."""

import inspect
import random
import types
from collections import namedtuple
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from typing import TypeVar

from sqlalchemy import insert
from sqlalchemy.orm import Session

T = TypeVar("T")

SEED = "demo-college"
BATCH = 5000
EMAIL_DOMAIN = "demo.edu.cn"

DeptRef = namedtuple("DeptRef", "id code name kind posts phone office")
SysRef = namedtuple("SysRef", "id code name url department")


@dataclass
class Context:
    """What every builder needs: the time, the departments, the systems, the demo people."""

    now: datetime
    departments: dict  # code -> DeptRef
    by_id: dict  # department id -> DeptRef
    systems: dict = None  # id -> SysRef of the base catalogue (the systems items run on)
    hosts: dict = None  # department code -> the SysRefs its items may run on
    reviewer: object = None  # the ConsoleUser who signs decisions
    submitters: dict = None  # department code -> user id of its demo contact


# --- helpers ------------------------------------------------------------------------------------


class Draft:
    """A row not yet stored, read the way services read records.

    Column values come from the row dict, related objects are given by keyword, and the model's
    own methods (e.g. `problem_codes`) are bound to the draft, so `snapshot()` and the
    completeness rules see exactly what the database will hold.
    """

    def __init__(self, model, values, **related):
        self.__dict__.update(related, _model=model, _values=values, __table__=model.__table__)

    def __getattr__(self, key):
        values = self.__dict__["_values"]
        if key in values:
            return values[key]
        method = getattr(self.__dict__["_model"], key, None)
        if inspect.isfunction(method):
            return types.MethodType(method, self)
        raise AttributeError(key)


def record_rng(kind: str, key: object) -> random.Random:
    """The random source of one record: the same record always gets the same content."""
    return random.Random(f"{SEED}:{kind}:{key}")


def pick(rng: random.Random, table: tuple[Sequence[str], Sequence[float]]) -> str:
    codes, weights = table
    return rng.choices(codes, weights)[0]


def stamps(ctx: Context) -> dict[str, object]:
    return {
        "created_at": ctx.now,
        "updated_at": ctx.now,
        "version": 1,
        "created_by_id": None,
        "updated_by_id": None,
    }


def chunks(iterable: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def insert_rows(session: Session, model: type, rows: Sequence[dict[str, object]]) -> int:
    """Core executemany INSERT in batches; returns the number of rows."""
    for chunk in chunks(rows, BATCH):
        session.execute(insert(model.__table__), chunk)
    return len(rows)


def insert_returning(
    session: Session, model: type, rows: Iterable[dict[str, object]], *key_columns: str
) -> dict[object, int]:
    """Insert rows and return {key: id}, the key being one column's value or a tuple of them."""
    table = model.__table__
    statement = insert(table).returning(table.c.id, *(table.c[key] for key in key_columns))
    ids = {}
    for chunk in chunks(rows, BATCH):
        for row in session.execute(statement, chunk):
            ids[row[1] if len(key_columns) == 1 else tuple(row[1:])] = row[0]
    return ids
