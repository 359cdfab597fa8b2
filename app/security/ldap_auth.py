"""The college's unified identity (统一身份认证) as an LDAP directory, through python-ldap.

Configured with Flask-AppBuilder's own AUTH_LDAP_* settings (server, TLS, search base, bind
account, attribute names, AUTH_ROLES_MAPPING; see config.py), plus what FAB has no setting for:
LDAP_TIMEOUT_SECONDS, LDAP_GROUP_BASE and LDAP_DEPARTMENT_FIELD. FAB's own `auth_user_ldap`
is not used because it lacks those parts: it waits on a silent directory, answers "wrong
password" when the directory is down, reads groups only from an attribute of the user entry,
matches group DNs case-sensitively and knows no departments.

Finds a user with the service account, checks the password by binding as that user, and reads
name, e-mail, department code and groups: from AUTH_LDAP_GROUP_FIELD (memberOf) when the
directory keeps it, else by searching groupOfNames / groupOfUniqueNames entries that list the
user's DN.
"""

import logging
from contextlib import contextmanager
from dataclasses import dataclass, field

import ldap
from flask import current_app
from ldap.filter import escape_filter_chars

log = logging.getLogger(__name__)
UNREACHABLE = (
    ldap.SERVER_DOWN,
    ldap.TIMEOUT,
    ldap.CONNECT_ERROR,
    ldap.UNAVAILABLE,
    ldap.BUSY,
    ldap.TIMELIMIT_EXCEEDED,
)


class DirectoryUnavailable(Exception):
    """The directory could not be reached or would not answer in time."""


@dataclass
class DirectoryUser:
    dn: str
    username: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    department_code: str | None = None
    groups: list = field(default_factory=list)  # lower-cased DNs
    employee_type: str = ""  # LDAP_STAFF_FIELD: who is 在编在岗 (measures art. 6)

    @property
    def on_staff(self) -> bool:
        return self.employee_type in current_app.config.get("LDAP_STAFF_VALUES", [])


def _first(attrs, name):
    values = attrs.get(name) or []
    return values[0].decode("utf-8", "replace") if values else ""


def _connect():
    cfg = current_app.config
    timeout = cfg.get("LDAP_TIMEOUT_SECONDS", 5)
    conn = ldap.initialize(cfg["AUTH_LDAP_SERVER"], bytes_mode=False)
    conn.set_option(ldap.OPT_PROTOCOL_VERSION, 3)
    conn.set_option(ldap.OPT_REFERRALS, 0)
    conn.set_option(ldap.OPT_NETWORK_TIMEOUT, timeout)
    conn.set_option(ldap.OPT_TIMEOUT, timeout)
    conn.timeout = timeout
    _tls_options(conn, cfg)
    if cfg.get("AUTH_LDAP_USE_TLS"):
        conn.start_tls_s()
    return conn


def _tls_options(conn, cfg):
    """FAB's TLS settings, with FAB's meaning, on this connection only."""
    files = (
        ("AUTH_LDAP_TLS_CACERTDIR", ldap.OPT_X_TLS_CACERTDIR),
        ("AUTH_LDAP_TLS_CACERTFILE", ldap.OPT_X_TLS_CACERTFILE),
        ("AUTH_LDAP_TLS_CERTFILE", ldap.OPT_X_TLS_CERTFILE),
        ("AUTH_LDAP_TLS_KEYFILE", ldap.OPT_X_TLS_KEYFILE),
    )
    changed = False
    for key, option in files:
        if cfg.get(key):
            conn.set_option(option, cfg[key])
            changed = True
    if cfg.get("AUTH_LDAP_ALLOW_SELF_SIGNED"):
        conn.set_option(ldap.OPT_X_TLS_REQUIRE_CERT, ldap.OPT_X_TLS_ALLOW)
        changed = True
    elif cfg.get("AUTH_LDAP_TLS_DEMAND", True):
        conn.set_option(ldap.OPT_X_TLS_REQUIRE_CERT, ldap.OPT_X_TLS_DEMAND)
        changed = True
    if changed:
        conn.set_option(ldap.OPT_X_TLS_NEWCTX, 0)


def _service_bind(conn):
    cfg = current_app.config
    try:
        conn.simple_bind_s(cfg["AUTH_LDAP_BIND_USER"], cfg["AUTH_LDAP_BIND_PASSWORD"])
    except ldap.INVALID_CREDENTIALS as error:
        log.error(
            "LDAP service account was refused: check AUTH_LDAP_BIND_USER/AUTH_LDAP_BIND_PASSWORD"
        )
        raise DirectoryUnavailable("service bind refused") from error


def _search_user(conn, username):
    cfg = current_app.config
    uid = cfg["AUTH_LDAP_UID_FIELD"]
    wanted = [
        uid,
        cfg["AUTH_LDAP_FIRSTNAME_FIELD"],
        cfg["AUTH_LDAP_LASTNAME_FIELD"],
        cfg["AUTH_LDAP_EMAIL_FIELD"],
        cfg["LDAP_DEPARTMENT_FIELD"],
        cfg["AUTH_LDAP_GROUP_FIELD"],
        cfg.get("LDAP_STAFF_FIELD", "employeeType"),
    ]
    query = f"({uid}={escape_filter_chars(username)})"
    results = [
        r for r in conn.search_s(cfg["AUTH_LDAP_SEARCH"], ldap.SCOPE_SUBTREE, query, wanted) if r[0]
    ]
    if len(results) != 1:
        return None
    entry = _entry(*results[0])
    entry.username = entry.username or username
    return entry


def _entry(dn, attrs):
    cfg = current_app.config
    uid = cfg["AUTH_LDAP_UID_FIELD"]
    groups = [
        g.decode("utf-8", "replace").lower() for g in attrs.get(cfg["AUTH_LDAP_GROUP_FIELD"], [])
    ]
    return DirectoryUser(
        dn=dn,
        username=_first(attrs, uid),
        first_name=_first(attrs, cfg["AUTH_LDAP_FIRSTNAME_FIELD"]),
        last_name=_first(attrs, cfg["AUTH_LDAP_LASTNAME_FIELD"]),
        email=_first(attrs, cfg["AUTH_LDAP_EMAIL_FIELD"]),
        department_code=_first(attrs, cfg["LDAP_DEPARTMENT_FIELD"]) or None,
        groups=groups,
        employee_type=_first(attrs, cfg.get("LDAP_STAFF_FIELD", "employeeType")),
    )


def _with_service_account(work):
    """`work(conn)` on a connection bound as the service account; DirectoryUnavailable when
    the directory cannot answer."""
    try:
        conn = _connect()
        try:
            _service_bind(conn)
            return work(conn)
        finally:
            conn.unbind_s()
    except UNREACHABLE as error:
        raise DirectoryUnavailable(str(error)) from error
    except ldap.LDAPError as error:
        raise DirectoryUnavailable(str(error)) from error


def find_person(username):
    """The directory's entry for `username` (no password), or None when it has none."""
    return _with_service_account(lambda conn: _search_user(conn, username))


def staff_of(department_code):
    """Directory people of a department who are 在编在岗 (LDAP_STAFF_VALUES), by name."""
    cfg = current_app.config
    field_name = cfg.get("LDAP_STAFF_FIELD", "employeeType")
    values = "".join(
        f"({field_name}={escape_filter_chars(v)})" for v in cfg.get("LDAP_STAFF_VALUES", [])
    )
    query = f"(&({cfg['LDAP_DEPARTMENT_FIELD']}={escape_filter_chars(department_code)})(|{values}))"

    def search(conn):
        found = conn.search_s(cfg["AUTH_LDAP_SEARCH"], ldap.SCOPE_SUBTREE, query)
        return sorted((_entry(dn, attrs) for dn, attrs in found if dn), key=lambda p: p.username)

    return _with_service_account(search)


def _search_groups(conn, user):
    """Groups listing the user by DN, for directories without memberOf."""
    base = current_app.config.get("LDAP_GROUP_BASE")
    if not base:
        return []
    dn = escape_filter_chars(user.dn)
    query = (
        f"(|(&(objectClass=groupOfNames)(member={dn}))"
        f"(&(objectClass=groupOfUniqueNames)(uniqueMember={dn})))"
    )
    return [
        found.lower()
        for found, _attrs in conn.search_s(base, ldap.SCOPE_SUBTREE, query, ["cn"])
        if found
    ]


@contextmanager
def _service_connection():
    """A connection bound as the service account; any directory failure inside the block
    becomes DirectoryUnavailable."""
    try:
        conn = _connect()
        try:
            _service_bind(conn)
            yield conn
        finally:
            conn.unbind_s()
    except UNREACHABLE as error:
        log.warning("LDAP directory unreachable: %s", error)
        raise DirectoryUnavailable(str(error)) from error
    except ldap.LDAPError as error:
        log.warning("LDAP error: %s", error)
        raise DirectoryUnavailable(str(error)) from error


def _find(conn, username):
    user = _search_user(conn, username)
    if user is not None and not user.groups:
        user.groups = _search_groups(conn, user)
    return user


def authenticate(username, password):
    """The directory's entry for `username` when `password` is right, else None.

    Raises DirectoryUnavailable when the directory cannot answer. The caller has already
    refused empty passwords and names outside the allowed characters.
    """
    if not password:
        return None
    with _service_connection() as conn:
        user = _find(conn, username)
        if user is None:
            return None
        try:
            conn.simple_bind_s(user.dn, password)
        except ldap.INVALID_CREDENTIALS:
            return None
        return user


def lookup(username):
    """The directory's entry for `username` found with the service account, without its
    password (CAS_USER_SOURCE=ldap: the CAS server has checked who it is); None when the
    directory has no such person. Raises DirectoryUnavailable as `authenticate` does."""
    with _service_connection() as conn:
        return _find(conn, username)


def check_directory_password(username, password):
    """True when the directory accepts `password` for `username` (e-signature re-check)."""
    return authenticate(username, password) is not None


def roles_for(groups):
    """Console role names for a user's group DNs, by AUTH_ROLES_MAPPING (case-insensitive)."""
    mapping = {
        dn.lower(): roles for dn, roles in current_app.config.get("AUTH_ROLES_MAPPING", {}).items()
    }
    names = []
    for group in groups:
        for role in mapping.get(group.lower(), []):
            if role not in names:
                names.append(role)
    return names
