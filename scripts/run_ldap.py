"""Serve the console against a local slapd filled with the demo college's people.

    make run-ldap        (or: .venv/bin/python scripts/run_ldap.py)

Starts OpenLDAP on 127.0.0.1:3389 with one contact per department plus a reviewer, an IT
administrator and a leader, prints their logins, then runs gunicorn on 127.0.0.1:8080 in LDAP
mode. Ctrl-C stops both. For trying the product only: the passwords are printed. The reviewer
`shenhe` gets a passed training record (art. 18 gates the reviewer role), so that it keeps
its role at login.
"""

import functools
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devtools.slapd import GROUPS, Directory, env_for  # noqa: E402

PASSWORD = os.environ.get("DEMO_LDAP_PASSWORD", "Demo#Ldap2026")
PORT = int(os.environ.get("DEMO_LDAP_PORT", "3389"))
GROUP_ROLES = {
    f"cn=console-contacts,{GROUPS}": ["部门联系人"],
    f"cn=console-reviewers,{GROUPS}": ["审核员"],
    f"cn=console-itadmins,{GROUPS}": ["信息中心管理员"],
    f"cn=console-leaders,{GROUPS}": ["校领导"],
}


@functools.cache
def console_app():
    """The console's app, made once (Flask-AppBuilder's views register once per process)."""
    from app import create_app

    return create_app()


def departments():
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Department

    with console_app().app_context():
        rows = db.session.execute(
            select(Department.code, Department.name).order_by(
                Department.sort_order, Department.code
            )
        )
        return [(code, name) for code, name in rows]


def train(people):
    """Record a passed training for the people whose role art. 18 gates (the reviewer), once:
    a directory login without one would suspend the role. `people`: (uid, name, role)."""
    from app.extensions import db
    from app.services.access.permissions import TRAINED_ROLES
    from app.services.demo.hall import train_people

    with console_app().app_context():
        wanted = [(uid, name) for uid, name, role in people if role in TRAINED_ROLES]
        trained = train_people(db.session, wanted)
        db.session.commit()
    return trained


def fill(directory, depts):
    """People: a contact per department, and one person for each office role."""
    people = []
    contacts = []
    for code, name in depts:
        uid = f"{code.lower()}-lxr"
        directory.add_person(uid, PASSWORD, "联系人", name, f"{uid}@college.edu.cn", code)
        contacts.append(uid)
        people.append((uid, name, "部门联系人"))
    office = {"党政办公室": "DZB", "信息技术中心": "XXZX"}
    codes = {name: code for code, name in depts}
    specials = [
        (
            "shenhe",
            "审核",
            "员",
            codes.get("党政办公室", office["党政办公室"]),
            "审核员",
            "console-reviewers",
        ),
        (
            "xxzx-admin",
            "管理",
            "员",
            codes.get("信息技术中心", office["信息技术中心"]),
            "信息中心管理员",
            "console-itadmins",
        ),
        ("xiaozhang", "校", "长", None, "校领导", "console-leaders"),
    ]
    for uid, given, surname, code, role, _group in specials:
        directory.add_person(uid, PASSWORD, given, surname, f"{uid}@college.edu.cn", code)
        people.append((uid, surname + given, role))
    directory.add_group("console-contacts", contacts)
    directory.add_group("console-reviewers", ["shenhe"])
    directory.add_group("console-itadmins", ["xxzx-admin"], unique=True)
    directory.add_group("console-leaders", ["xiaozhang"])
    return people


def main():
    depts = departments()
    directory = Directory(port=PORT).start()
    try:
        people = fill(directory, depts)
        trained = train(people)
        print(f"\nslapd at {directory.url}; every demo directory password is {PASSWORD}")
        for uid, name, role in people[:5] + people[-3:]:
            print(f"  {uid:<16} {role:<8} {name}")
        print(f"  ... {len(people)} people in all")
        if trained:
            print(f"  passed training recorded for: {', '.join(trained)} (art. 18)")
        print()
        env = {**os.environ, **env_for(directory, GROUP_ROLES)}
        subprocess.run(
            [
                str(ROOT / ".venv/bin/gunicorn"),
                "--workers",
                "2",
                "--bind",
                os.environ.get("BIND", "127.0.0.1:8080"),
                "run:app",
            ],
            cwd=ROOT,
            env=env,
            check=False,
        )
    except KeyboardInterrupt:
        pass
    finally:
        directory.stop()


if __name__ == "__main__":
    main()
