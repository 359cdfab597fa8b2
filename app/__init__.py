"""Application factory of the service governance console."""

import logging

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .extensions import appbuilder, cache, csrf, db, migrate


def create_app(test_config=None):
    """Build the application: configuration, extensions, views and CLI commands."""
    app = Flask(__name__, instance_relative_config=False)
    app.config.from_object("config")
    if test_config:
        app.config.update(test_config)
    from app.services.access.passwords import fab_validator

    app.config.setdefault("FAB_PASSWORD_COMPLEXITY_VALIDATOR", fab_validator)
    logging.getLogger("flask_appbuilder").setLevel(logging.WARNING)
    from .views import params

    params.install(app)  # before any route: bounded <int:> ids, clean FAB list arguments

    from app.services.trail import audit, data_version

    from . import models  # noqa: F401  registers every table on FAB's metadata

    audit.install()
    data_version.install()
    from app.services.catalog import audiences, completeness_sql

    completeness_sql.install()
    audiences.install()

    from .security import ratelimit_store  # noqa: F401  registers sqlitefile:// for the limiter

    csrf.init_app(app)
    # The CAS server's single-logout POST carries no CSRF token (app/security/views.py).
    csrf.exempt("app.security.views.cas_login")
    cache.init_app(app)
    with app.app_context():
        db.init_app(app)
        migrate.init_app(app, db, directory=str(_migrations_dir()), render_as_batch=True)
        from .views import register_public, register_views

        appbuilder.init_app(app, db.session)
        from app.services.access import emergency

        emergency.check_config(app.config)  # e.g. LOCAL_ADMIN_USERS=admin: refuse to start
        register_views(appbuilder)
        from .models.registry import field_label, record_url

        app.add_template_global(record_url, "record_url")
        app.add_template_global(field_label, "field_label")
        register_public(app)
        from .views.errors import register_errors

        register_errors(app)
        from .views import templating

        templating.install(app)
        from .security import headers, sessions

        sessions.install(app)
        headers.install(app)
    if app.config.get("PROXY_COUNT"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    from .cli import register_cli

    register_cli(app)
    from . import jobs

    jobs.bind_app(app)  # jobs queued from here run in this app when consumed in-process
    return app


def _migrations_dir():
    from pathlib import Path

    return Path(__file__).resolve().parent.parent / "migrations"


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """WAL, a busy timeout and enforced foreign keys on every SQLite connection."""
    import sqlite3

    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    from flask import current_app, has_app_context

    timeout = current_app.config.get("SQLITE_BUSY_TIMEOUT_MS", 5000) if has_app_context() else 5000
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={int(timeout)}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
