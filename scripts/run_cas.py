"""Serve the console against a local CAS server (django-cas-server) with the demo college's people.

    make run-cas        (or: scripts/install-cas-server.sh && .venv/bin/python scripts/run_cas.py)

Starts the CAS server on 127.0.0.1:8443 (plain HTTP, for trying only) with one contact per
department plus a reviewer and a leader, their department and groups as CAS attributes; prints
their logins, then runs gunicorn on 127.0.0.1:8080 with AUTH_MODE=cas. Ctrl-C stops both. The
reviewer `shenhe` gets a passed training record (art. 18 gates the reviewer role), so that it
keeps its role at login.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from run_ldap import departments, train  # noqa: E402

from devtools.casd import CasServer  # noqa: E402

PASSWORD = os.environ.get("DEMO_CAS_PASSWORD", "Demo#Cas2026")
PORT = int(os.environ.get("DEMO_CAS_PORT", "8443"))
GROUP_ROLES = {
    "console-contacts": ["部门联系人"],
    "console-reviewers": ["审核员"],
    "console-leaders": ["校领导"],
}


def fill(server, depts):
    people = []
    for code, name in depts:
        uid = f"{code.lower()}-lxr"
        server.add_person(uid, PASSWORD, givenName="联系人", sn=name, department=code,
                          mail=f"{uid}@college.edu.cn", groups="console-contacts")  # fmt: skip
        people.append((uid, "部门联系人", name))
    server.add_person("shenhe", PASSWORD, givenName="员", sn="审核", groups="console-reviewers")
    server.add_person("xiaozhang", PASSWORD, givenName="长", sn="校", groups="console-leaders")
    return people + [("shenhe", "审核员", "审核员"), ("xiaozhang", "校领导", "校长")]


def main():
    server = CasServer(["department", "groups", "givenName", "sn", "mail"], port=PORT).start()
    try:
        people = fill(server, departments())
        trained = train([(uid, name, role) for uid, role, name in people])
        print(f"\nCAS server at {server.url}; every demo CAS password is {PASSWORD}")
        for uid, role, name in people[:5] + people[-2:]:
            print(f"  {uid:<16} {role:<8} {name}")
        if trained:
            print(f"  passed training recorded for: {', '.join(trained)} (art. 18)")
        env = {
            **os.environ,
            "AUTH_MODE": "cas",
            "CAS_SERVER_URL": server.url,
            "AUTH_ROLES_MAPPING": json.dumps(GROUP_ROLES, ensure_ascii=False),
        }
        bind = os.environ.get("BIND", "127.0.0.1:8080")
        subprocess.run(
            [str(ROOT / ".venv/bin/gunicorn"), "--workers", "2", "--bind", bind, "run:app"],
            cwd=ROOT,
            env=env,
            check=False,
        )
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
