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


def fresh_totp(app, username):
    """The six digits the user's authenticator app shows now, computed by pyotp from the secret
    the console stored (enrolled or pending). The user's last accepted step is forgotten first,
    as if the next 30-second window had come: the suite logs the same user in many times a
    second, and a code is refused twice in its window (tests/test_second_factor.py checks it)."""
    import pyotp
    from sqlalchemy import text

    from app.extensions import db

    with app.app_context(), db.engine.begin() as conn:
        conn.execute(
            text("UPDATE ab_user SET totp_last_step = NULL WHERE lower(username) = :u"),
            {"u": username.lower()},
        )
        secret = conn.execute(
            text("SELECT totp_secret FROM ab_user WHERE lower(username) = :u"),
            {"u": username.lower()},
        ).scalar_one()
    assert secret, f"{username} has no second-factor secret"
    return pyotp.TOTP(secret).now()


def pass_second_factor(app, client, response, username):
    """After a password post: when the console asks for the second factor, answer it with the
    current code (confirming a pending enrolment the same way); returns the final response."""
    if not response.headers.get("Location", "").endswith("/login/second-factor/"):
        return response
    return client.post("/login/second-factor/", data={"code": fresh_totp(app, username)})
