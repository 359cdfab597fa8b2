"""Helpers for page tests: read what a FAB page says back to the user."""

import re

from sqlalchemy import event


def form_errors(response):
    """The texts of the error alerts FAB renders next to invalid fields (and flashes)."""
    found = re.findall(r'class="alert alert-danger"[^>]*>(.*?)</div>', response.text, re.S)
    return [re.sub(r"<[^>]+>|&times;", "", text).strip() for text in found]


class QueryCounter:
    """Counts the SQL statements an engine runs inside a `with` block (and keeps each with its
    parameters, so a benchmark can run them again bare)."""

    def __init__(self, engine):
        self.engine = engine
        self.statements = []
        self.executed = []

    def _count(self, conn, cursor, statement, parameters, *args):
        self.statements.append(statement)
        self.executed.append((statement, parameters))

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._count)

    @property
    def count(self):
        return len(self.statements)
