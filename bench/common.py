"""Shared set-up for benchmarks: a seeded database of N items and timing helpers."""

import os
import statistics
import tempfile
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
BENCH_USER = "bench_admin"
BENCH_PASSWORD = "Bench#Pass2026"


def bench_app(items, database_url=None):
    """The app on a database holding the demo college scaled to `items` service items.

    The SQLite file is kept in bench/out/ and reused when it already holds that many items.
    """
    OUT.mkdir(exist_ok=True)
    os.environ.setdefault("INSTANCE_PATH", tempfile.mkdtemp(prefix="console-bench-"))
    url = (
        database_url
        or os.environ.get("BENCH_DATABASE_URL")
        or f"sqlite:///{OUT / f'bench-{items}.db'}"
    )
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import appbuilder, db
    from app.models import ServiceItem
    from app.security.roles import IT_ADMIN, install_roles
    from app.services.demo.seed import seed_demo

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False}
    )
    with app.app_context():
        upgrade()
        install_roles(appbuilder)
        db.session.commit()
        if db.session.query(ServiceItem).count() < items:
            started = time.perf_counter()
            seed_demo(db.session.commit, items=items, echo=lambda *a, **k: None)
            print(f"seeded {items} items in {time.perf_counter() - started:.1f} s")
        if not appbuilder.sm.find_user(username=BENCH_USER):
            appbuilder.sm.add_user(
                BENCH_USER,
                "bench",
                "admin",
                "bench@example.edu.cn",
                appbuilder.sm.find_role(IT_ADMIN),
                password=BENCH_PASSWORD,
            )
            db.session.commit()
        user = appbuilder.sm.find_user(username=BENCH_USER)
        if user.password_changed_at is None:
            # As if chosen by the user: no forced change at login, which would answer every
            # page with a redirect and measure nothing.
            from app.models.base import utcnow

            user.password_changed_at = utcnow()
            db.session.commit()
    return app


def logged_in_client(app):
    client = app.test_client()
    response = client.post("/login/", data={"username": BENCH_USER, "password": BENCH_PASSWORD})
    assert response.status_code == 302, "bench login failed"
    if response.headers.get("Location", "").endswith("/login/second-factor/"):
        # The IT administrator's second factor: the code their authenticator shows now (the
        # first login enrols it, and the page shows the recovery codes once).
        response = client.post("/login/second-factor/", data={"code": _totp_now(app)})
        assert response.status_code in (200, 302), "bench second factor failed"
    assert client.get("/").status_code == 200, "bench user cannot open the home page"
    return client


def _totp_now(app):
    """The current TOTP of the bench user, from the secret the console drew at this login."""
    import pyotp

    from app.extensions import appbuilder, db

    with app.app_context():
        user = appbuilder.sm.find_user(username=BENCH_USER)
        user.totp_last_step = None  # a bench logs in many times within one 30-second step
        db.session.commit()
        return pyotp.TOTP(user.totp_secret).now()


def median_ms(func, runs=30, warmup=5):
    """Median wall time of func() in milliseconds."""
    for _ in range(warmup):
        func()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)
