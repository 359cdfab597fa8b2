"""The corpus of real service guides and systems (tests/data/guides.json, systems.json) through
the 附件2 and 附件4 imports.

Imports every guide as a clerk pastes it into the template, then exports and imports again,
and prints what arrived next to what must: items (goal: at least 40) and systems (at least 20)
in, modules as written, time limits read (and the unreadable values warned about), audiences
on the list and in the remainder, and the changes the round trip makes (the limit is 0).

    .venv/bin/python bench/guides_corpus.py
"""

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main():
    os.environ.setdefault("INSTANCE_PATH", tempfile.mkdtemp(prefix="console-guides-"))
    url = f"sqlite:///{tempfile.mkdtemp(prefix='guides-')}/guides.db"
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import appbuilder, db
    from app.models import InformationSystem, Material, ProcessNode, ServiceItem
    from app.security.roles import install_roles
    from app.services.sheets import exporter, importer
    from tests import factories as f
    from tests.test_corpus import GOALS, SYSTEMS, _systems_file
    from tests.test_guides import GUIDES, MODULES, _clerk_file

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False})
    with app.app_context():
        upgrade()
        install_roles(appbuilder)
        f.make_users(appbuilder)
        db.session.commit()
        session, admin = db.session, f.user(db.session, "admin")
        started = time.perf_counter()
        report = importer.run_import(session, _clerk_file(session), admin)
        assert report.ok, report.errors
        session.commit()
        seconds = time.perf_counter() - started
        items = {i.code: i for i in session.query(ServiceItem)}
        as_written = sum(
            getattr(items[g["code"]], key) == (g[key] or None)
            for g in GUIDES
            for key in MODULES.values()
        )
        read = sum(1 for i in items.values() if i.promised.understood and i.promised_limit)
        unread = [p for p in report.warnings if p.column == "承诺办结时限"]
        unreadable = [
            p for p in report.warnings if "无法识别" in p.message or "已按原文" in p.message
        ]
        coded = sum(1 for i in items.values() if i.user_groups)
        remainder = sum(1 for i in items.values() if i.audience_note)
        data = exporter.template_workbook(session, admin, "items", "T01")[1]
        again = importer.run_import(session, data, admin, dry_run=True)
        session.rollback()
        changes = again.total("add") + again.total("change") + again.total("delete")
        systems_report = importer.run_import(session, _systems_file(session), admin)
        assert systems_report.ok, systems_report.errors
        session.commit()
        systems = session.query(InformationSystem).count()
        dated = session.query(InformationSystem).filter(InformationSystem.go_live_date.isnot(None))
        dated = dated.count()
    rows = [
        ("guides in the corpus", len(GUIDES), f">= {GOALS['items']}"),
        ("items imported", len(items), f"= {len(GUIDES)}"),
        ("systems in the corpus", len(SYSTEMS), f">= {GOALS['systems']}"),
        ("systems imported", systems, f"= {len(SYSTEMS)}"),
        ("systems with a go-live date", dated, ""),
        ("materials imported", session_count(app, Material), ""),
        ("nodes imported", session_count(app, ProcessNode), ""),
        ("module fields as written", as_written, f"= {len(GUIDES) * len(MODULES)}"),
        ("promised limits read", read, ""),
        ("promised limits unread (warned, kept)", len(unread), ""),
        ("node limits given", node_limits_count(app), ""),
        ("unreadable values (warned, kept as written)", len(unreadable), ""),
        ("items with audiences on the list", coded, ""),
        ("items with a free remainder", remainder, ""),
        ("changes made by export -> import", changes, "= 0"),
        ("import seconds", f"{seconds:.2f}", ""),
    ]
    for name, value, limit in rows:
        print(f"{name:<42} {value!s:>8}  {limit}")


def session_count(app, model):
    from app.extensions import db

    with app.app_context():
        return db.session.query(model).count()


def node_limits_count(app):
    from app.extensions import db
    from app.models import ProcessNode

    with app.app_context():
        return db.session.query(ProcessNode).filter(ProcessNode.time_limit.isnot(None)).count()


if __name__ == "__main__":
    main()
