"""Fixtures: a real database per test run (SQLite file or a throwaway PostgreSQL database),
the app migrated with Alembic, one user per role, and clients logged in as each role.

Choose the engine with TEST_DATABASE=sqlite (default) or TEST_DATABASE=postgresql
(PG_ADMIN_URL, default postgresql+psycopg://postgres@127.0.0.1:5432/postgres, is used to create
and drop the throwaway database).
"""

import atexit
import contextlib
import contextvars
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_TMP = tempfile.mkdtemp(prefix="console-test-")
atexit.register(shutil.rmtree, _TMP, ignore_errors=True)
os.environ["INSTANCE_PATH"] = _TMP  # before config.py is imported: the secret key lives here

from flask.testing import FlaskClient  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from tests.factories import (  # noqa: E402
    PASSWORD,
    ROLE_USERS,
    make_users,
    restore_rules,
    restore_users,
)

pytest_plugins = ["tests.ldap_fixtures", "tests.cas_fixtures", "tests.live_server", "tests.browser"]

ENGINE = os.environ.get("TEST_DATABASE", "sqlite").lower()
PG_ADMIN_URL = os.environ.get(
    "PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
# Record tables emptied after each test (children first); FAB's tables and users stay.
RECORD_TABLES = (
    "cas_login",
    "api_idempotency",
    "api_token",
    "finding_dismissal",
    "finding_setting",
    "system_capability",
    "capability",
    "entry_check",
    "calendar_day",
    "reminder",
    "print_code",
    "public_comment",
    "publication_search",
    "hall_drill",
    "final_review",
    "publication_item",
    "publication",
    "record_version",
    "review_decision",
    "rectification_task",
    "hall_step",
    "handler_assignment",
    "hall_request",
    "training_record",
    "material",
    "process_node",
    "service_item",
    "information_system",
    "contact",
    "campaign_phase",
    "campaign",
)


def _compile_translations():
    """Compile every catalog whose .mo is missing or older than its .po."""
    stale = [
        po
        for po in (ROOT / "translations").glob("*/LC_MESSAGES/messages.po")
        if not po.with_suffix(".mo").exists()
        or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
    ]
    if stale:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "babel.messages.frontend",
                "-q",
                "compile",
                "-d",
                str(ROOT / "translations"),
            ],
            check=True,
        )


@pytest.fixture(scope="session")
def database_url():
    """A database of this run's own, dropped at the end."""
    with empty_database("console_test") as url:
        yield url


class IsolatedClient(FlaskClient):
    """A test client whose every request gets its own app context, `g` and session, as in
    production, even while a test holds an app context open (the db_session fixture does)."""

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture(scope="session")
def app(database_url):
    """The application on a freshly migrated database, with roles and one user per role."""
    _compile_translations()
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import appbuilder, db
    from app.security.roles import install_roles

    application = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WTF_CSRF_ENABLED": False,
            # The public limits stay on (their tests need them, real counts in memory); the
            # login form's limit would refuse the suite's many logins from one address.
            "AUTH_RATE_LIMITED": False,
            # No waits between failed logins: the suite fails many on purpose, one after the
            # other (tests/test_lockout.py turns them on to test them).
            "LOGIN_DELAY_SECONDS": 0,
            "RATELIMIT_STORAGE_URI": "memory://",
            "SERVER_NAME": None,
            # One checkpoint file per database: the instance folder is shared by the run.
            "AUDIT_CHECKPOINT_FILE": checkpoint_file(database_url),
        }
    )
    application.test_client_class = IsolatedClient
    with application.app_context():
        upgrade()
        install_roles(appbuilder)
        db.session.commit()
        make_users(appbuilder)
        db.session.commit()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_records(request):
    """Each test starts with no records but the departments and users of the fixtures, the
    users with their own role and department again, and the default completeness rules."""
    yield
    if "app" not in request.fixturenames:
        return
    application = request.getfixturevalue("app")
    from app.extensions import db

    with application.app_context():
        db.session.rollback()
        for table in RECORD_TABLES:
            db.session.execute(text(f"DELETE FROM {table}"))
        # Raw DELETEs name no mapped table: move the data stamp by hand, so that no figure
        # cached under the old stamp (board, dashboards, assessment) outlives the records.
        from app.services.trail import data_version

        data_version.bump(db.session)
        restore_users(db.session)
        restore_rules(db.session)
        db.session.commit()
    reset_limits(application)


def reset_limits(application):
    """Forget the rate-limit counts (the suite's app keeps them in memory: memory://)."""
    from app.extensions import appbuilder

    with application.app_context():
        appbuilder.sm.limiter.reset()


@pytest.fixture
def db_session(app):
    from app.extensions import db

    with app.app_context():
        yield db.session
        db.session.rollback()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def login(client, username, password=PASSWORD):
    """Log `client` in through the login form; the administrators pass their second factor
    with the current code of their authenticator (tests/helpers.py fresh_totp)."""
    from tests.helpers import pass_second_factor

    response = client.post("/login/", data={"username": username, "password": password})
    response = pass_second_factor(client.application, client, response, username)
    assert response.status_code == 302, f"login of {username} failed"
    return client


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def client_as(app):
    """client_as("admin" | "contact" | "contact_other" | "reviewer" | "leader")."""

    def make(role):
        return login(app.test_client(), ROLE_USERS[role]["username"])

    return make


@contextlib.contextmanager
def empty_database(prefix="console_extra"):
    """An empty UTF-8 database on the engine under test, dropped afterwards; yields its URL."""
    if ENGINE == "postgresql":
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0"))
        try:
            yield f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    else:
        yield f"sqlite:///{_TMP}/{prefix}-{uuid.uuid4().hex[:8]}.db"


@pytest.fixture
def empty_database_url():
    with empty_database() as url:
        yield url


def checkpoint_file(url):
    """The audit checkpoint file of the database at `url` (one per database)."""
    return str(Path(_TMP) / f"audit-checkpoints-{uuid.uuid5(uuid.NAMESPACE_URL, url).hex}.jsonl")


def python_cli(*args, url, check=True, env=None):
    """Run `python <args>` in the project folder against the database at `url` (the test
    instance folder holds its secret key); unless `check` is false it must succeed. `env`
    adds or overrides environment variables."""
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "INSTANCE_PATH": _TMP,
        "AUDIT_CHECKPOINT_FILE": checkpoint_file(url),
        **(env or {}),
    }
    result = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    if check:
        assert result.returncode == 0, result.stderr[-2000:]
    return result


def flask_cli(*args, url, check=True, env=None):
    """Run `flask <args>` in a subprocess against the database at `url`."""
    return python_cli("-m", "flask", "--app", "run", *args, url=url, check=check, env=env)
