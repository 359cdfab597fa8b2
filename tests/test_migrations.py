"""Migrations build the whole schema on an empty database, match the models, and roll back."""
import os
import subprocess
import sys
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from tests.conftest import ENGINE, PG_ADMIN_URL, ROOT, _TMP


@pytest.fixture
def empty_database_url():
    """A second, empty database on the engine under test."""
    if ENGINE == "postgresql":
        name = f"console_mig_{uuid.uuid4().hex[:12]}"
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        yield f"sqlite:///{_TMP}/migrations-{uuid.uuid4().hex[:8]}.db"


def _flask(*args, url):
    env = {**os.environ, "DATABASE_URL": url, "INSTANCE_PATH": _TMP}
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "run", *args], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result


def test_upgrade_builds_schema_matching_models_and_downgrade_empties(empty_database_url):
    """`flask db upgrade` on an empty database gives exactly the models' schema."""
    from flask_appbuilder import Model

    import app.models  # noqa: F401

    engine = create_engine(empty_database_url)
    try:
        _flask("db", "upgrade", url=empty_database_url)
        tables = set(inspect(engine).get_table_names())
        assert {"ab_user", "department", "service_item", "material", "process_node",
                "information_system", "contact", "rectification_task", "campaign",
                "campaign_phase"} <= tables
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Model.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        _flask("init-roles", url=empty_database_url)
        _flask("db", "downgrade", "base", url=empty_database_url)
        assert set(inspect(engine).get_table_names()) - {"alembic_version"} == set()
    finally:
        engine.dispose()
