"""A throwaway OpenLDAP `slapd` on 127.0.0.1 with its own config and data folder.

Used by the tests (a real directory, never a mock) and by `make run-ldap`. The directory has
the `memberof` overlay for groupOfNames groups; groupOfUniqueNames groups get no memberOf, so
both ways of finding a user's groups are exercised.
"""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import ldap
import ldap.modlist

SLAPD = shutil.which("slapd") or "/usr/sbin/slapd"
BASE = "dc=college,dc=edu,dc=cn"
ADMIN_DN = f"cn=admin,{BASE}"
ADMIN_PASSWORD = "Slapd#Admin2026"
BIND_DN = f"cn=console-bind,ou=services,{BASE}"
BIND_PASSWORD = "Bind#Service2026"
PEOPLE = f"ou=people,{BASE}"
GROUPS = f"ou=groups,{BASE}"

CONFIG = """
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/nis.schema
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload memberof
pidfile {folder}/slapd.pid
{allow}
database mdb
suffix "{base}"
rootdn "{admin}"
rootpw {admin_password}
directory {folder}/data
maxsize 104857600
overlay memberof
memberof-group-oc groupOfNames
memberof-member-ad member
memberof-memberof-ad memberOf
memberof-refint true
access to attrs=userPassword by self write by anonymous auth by * none
access to * by dn.exact="{bind}" read by self read by * none
"""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Directory:
    """One running slapd; `url`, `stop()`, and helpers to add people and groups."""

    def __init__(self, port=None, allow_anonymous_dn_bind=False, folder=None):
        self.port = port or free_port()
        self.url = f"ldap://127.0.0.1:{self.port}"
        self.folder = Path(folder or tempfile.mkdtemp(prefix="slapd-"))
        self.allow = "allow bind_anon_dn" if allow_anonymous_dn_bind else ""
        self.process = None

    def start(self):
        (self.folder / "data").mkdir(parents=True, exist_ok=True)
        conf = self.folder / "slapd.conf"
        conf.write_text(
            CONFIG.format(
                folder=self.folder,
                base=BASE,
                admin=ADMIN_DN,
                admin_password=ADMIN_PASSWORD,
                bind=BIND_DN,
                allow=self.allow,
            )
        )
        self.process = subprocess.Popen(
            [SLAPD, "-f", str(conf), "-h", f"{self.url}/", "-d", "0"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("slapd exited: " + self.process.stderr.read().decode())
            try:
                self.admin().unbind_s()
                break
            except ldap.SERVER_DOWN:
                time.sleep(0.1)
        else:
            raise RuntimeError("slapd did not answer within 15 s")
        self._skeleton()
        return self

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        shutil.rmtree(self.folder, ignore_errors=True)

    def admin(self):
        conn = ldap.initialize(self.url)
        conn.set_option(ldap.OPT_NETWORK_TIMEOUT, 2)
        conn.simple_bind_s(ADMIN_DN, ADMIN_PASSWORD)
        return conn

    def _add(self, dn, attrs):
        conn = self.admin()
        try:
            conn.add_s(
                dn,
                ldap.modlist.addModlist(
                    {
                        k: [
                            v.encode() if isinstance(v, str) else v
                            for v in (vals if isinstance(vals, list) else [vals])
                        ]
                        for k, vals in attrs.items()
                    }
                ),
            )
        finally:
            conn.unbind_s()

    def _skeleton(self):
        self._add(
            BASE,
            {"objectClass": ["dcObject", "organization"], "dc": "college", "o": "Demo College"},
        )
        for ou in ("people", "groups", "services"):
            self._add(f"ou={ou},{BASE}", {"objectClass": "organizationalUnit", "ou": ou})
        self._add(
            BIND_DN,
            {
                "objectClass": ["person", "simpleSecurityObject"],
                "cn": "console-bind",
                "sn": "service",
                "userPassword": BIND_PASSWORD,
            },
        )

    def add_person(
        self, uid, password, given="", surname="", mail=None, department=None, employee_type=None
    ):
        attrs = {
            "objectClass": ["inetOrgPerson"],
            "uid": uid,
            "cn": uid,
            "sn": surname or uid,
            "givenName": given or uid,
            "userPassword": password,
        }
        if mail:
            attrs["mail"] = mail
        if department:
            attrs["departmentNumber"] = department
        if employee_type:
            attrs["employeeType"] = employee_type
        self._add(f"uid={uid},{PEOPLE}", attrs)
        return f"uid={uid},{PEOPLE}"

    def add_group(self, cn, members, unique=False):
        """groupOfNames (memberOf kept by the overlay) or groupOfUniqueNames (search only)."""
        member_attr = "uniqueMember" if unique else "member"
        self._add(
            f"cn={cn},{GROUPS}",
            {
                "objectClass": "groupOfUniqueNames" if unique else "groupOfNames",
                "cn": cn,
                member_attr: [self.person_dn(m) for m in members],
            },
        )
        return f"cn={cn},{GROUPS}"

    def set_group_members(self, cn, members, unique=False):
        member_attr = "uniqueMember" if unique else "member"
        values = [self.person_dn(m).encode() for m in members] or [f"cn=nobody,{PEOPLE}".encode()]
        conn = self.admin()
        try:
            conn.modify_s(f"cn={cn},{GROUPS}", [(ldap.MOD_REPLACE, member_attr, values)])
        finally:
            conn.unbind_s()

    def set_person(self, uid, **attrs):
        """Replace attributes of a person (e.g. employeeType, departmentNumber); None removes."""
        changes = [
            (ldap.MOD_REPLACE, name, [value.encode()] if value is not None else None)
            for name, value in attrs.items()
        ]
        conn = self.admin()
        try:
            conn.modify_s(self.person_dn(uid), changes)
        finally:
            conn.unbind_s()

    def remove_person(self, uid):
        conn = self.admin()
        try:
            conn.delete_s(self.person_dn(uid))
        finally:
            conn.unbind_s()

    @staticmethod
    def person_dn(uid):
        return f"uid={uid},{PEOPLE}"

    def app_config(self, group_roles):
        """Settings that point the console at this directory."""
        return {
            "AUTH_LDAP_SERVER": self.url,
            "AUTH_LDAP_SEARCH": PEOPLE,
            "AUTH_LDAP_BIND_USER": BIND_DN,
            "AUTH_LDAP_BIND_PASSWORD": BIND_PASSWORD,
            "AUTH_LDAP_UID_FIELD": "uid",
            "LDAP_GROUP_BASE": GROUPS,
            "AUTH_ROLES_MAPPING": group_roles,
        }


def env_for(directory, group_roles):
    """The same settings as environment variables of the same names (for `make run-ldap` and
    tests that start the console in a process of its own)."""
    import json

    cfg = directory.app_config(group_roles)
    env = {key: value for key, value in cfg.items() if isinstance(value, str)}
    env["AUTH_ROLES_MAPPING"] = json.dumps(group_roles, ensure_ascii=False)
    return {"AUTH_MODE": "ldap", **env}


if __name__ == "__main__":  # manual check: python -m devtools.slapd
    d = Directory().start()
    print("slapd running at", d.url, "folder", d.folder)
    try:
        os.system(f"ldapsearch -x -H {d.url} -D {ADMIN_DN} -w {ADMIN_PASSWORD} -b {BASE} dn")
    finally:
        d.stop()
