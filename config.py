"""Configuration read from the environment, with safe defaults.

Every setting that differs between machines comes from an environment variable; nothing secret is
a constant in the code. `create_app(test_config)` may override any key afterwards.
"""

import json
import os
import secrets
import warnings
from datetime import timedelta
from pathlib import Path

from flask_appbuilder.const import AUTH_DB, AUTH_LDAP

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_PATH", BASE_DIR / "instance"))


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_ldap(name: str, old_name: str | None, default):
    """An LDAP setting from the environment variable `name` (FAB's name), else from the name
    earlier releases used (`old_name`, with a deprecation warning), else `default`. A bool
    default reads the value as a switch."""
    value = os.environ.get(name)
    if value is None and old_name and os.environ.get(old_name) is not None:
        value = os.environ[old_name]
        warnings.warn(
            f"environment variable {old_name} is deprecated: set {name} instead",
            FutureWarning,  # shown by default: the people running the console should see it
            stacklevel=2,
        )
    if value is None:
        return default
    if isinstance(default, bool):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return value


def _secret_key(variable: str = "SECRET_KEY", file_name: str = "secret_key") -> str:
    """A key from the environment, else one generated on first start and kept in instance/."""
    if os.environ.get(variable):
        return os.environ[variable]
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    key_file = INSTANCE_DIR / file_name
    if not key_file.exists():
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()

# --- Database ---------------------------------------------------------------------------------
SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'console.db'}")
SQLALCHEMY_TRACK_MODIFICATIONS = False
SQLITE_BUSY_TIMEOUT_MS = int(os.environ.get("SQLITE_BUSY_TIMEOUT_MS", "5000"))
SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
# Tables are created by Alembic migrations only (flask db upgrade), never by FAB at start-up.
FAB_CREATE_DB = False

# --- Application builder ----------------------------------------------------------------------
APP_NAME = os.environ.get("APP_NAME", "服务治理工作台")
APP_THEME = ""  # Bootswatch themes import Google Fonts: keep the bundled Bootstrap theme.
FAB_INDEX_VIEW = "app.views.index.ConsoleIndexView"
FAB_SECURITY_MANAGER_CLASS = "app.security.manager.ConsoleSecurityManager"
# Permissions are written by `flask init-roles` at deploy time, not at every start-up.
FAB_UPDATE_PERMS = _env_bool("FAB_UPDATE_PERMS", False)
# FAB's REST user/role/permission API stays off in every deployment: it would bypass the
# console's rules (三权分立, password history). API_LOGIN_ENABLED=true opens only the REST
# login (/api/v1/security/login and /refresh), which then goes through the same lockout,
# rate limit and audit as the login form; off, both answer 404.
FAB_ADD_SECURITY_API = False
API_LOGIN_ENABLED = _env_bool("API_LOGIN_ENABLED", False)
FAB_API_SWAGGER_UI = False
# The console's own REST API (/api/v1/, app/views/api/): bearer tokens made on the 接口令牌 page,
# each limited to API_RATE_LIMIT calls (per token; empty turns the limit off).
API_ENABLED = _env_bool("API_ENABLED", True)
API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "120 per minute")
FAB_SAFE_REDIRECT_HOSTS = [
    h.strip()
    for h in os.environ.get("SAFE_REDIRECT_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]
# Largest page a list view will serve, whatever ?psize_ asks for.
LIST_MAX_PAGE_SIZE = 100

# --- Authentication ---------------------------------------------------------------------------
# AUTH_MODE: "db" (local accounts), "ldap" (the directory, below) or "cas" (the college's CAS
# server, below: people log in there; only LOCAL_ADMIN_USERS use the login form). CAS mode is
# FAB's AUTH_DB with the console's own CAS login beside it (app/security/cas_auth.py).
AUTH_MODE = os.environ.get("AUTH_MODE", "db").strip().lower()
AUTH_TYPE = AUTH_LDAP if AUTH_MODE == "ldap" else AUTH_DB
# FAB's admin role (what `flask fab create-admin` assigns): the security administrator, who
# manages users and roles. It gets exactly the permissions app/services/access/permissions.py
# generates for it, like every role (三权分立: no role holds every permission).
AUTH_ROLE_ADMIN = "安全管理员"
AUTH_ROLE_PUBLIC = "Public"
AUTH_USER_REGISTRATION = False
# Rate limits: FAB's Flask-Limiter (appbuilder.sm.limiter) counts per client address, in Redis
# when REDIS_URL is set (shared by every worker and host), otherwise in a SQLite file in the
# instance folder that every worker of this machine shares (app/security/ratelimit_store.py).
# Several machines need REDIS_URL. RATELIMIT_ENABLED=false switches every limit off (the login
# form's and the public pages').
REDIS_URL = os.environ.get("REDIS_URL", "")
RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
RATELIMIT_STORAGE_URI = REDIS_URL or f"sqlitefile://{(INSTANCE_DIR / 'ratelimits.db').resolve()}"
RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "console")
# Computed pages and figures (board, assessment, portfolio, dashboards, public facets) are cached
# by Flask-Caching under keys that carry the data-version stamp: in Redis when REDIS_URL is set
# (shared by every worker and host), else in files under the instance folder (shared by the
# workers of one host). CACHE_TYPE may name another Flask-Caching backend.
CACHE_TYPE = os.environ.get("CACHE_TYPE") or ("RedisCache" if REDIS_URL else "FileSystemCache")
CACHE_REDIS_URL = REDIS_URL
CACHE_DIR = os.environ.get("CACHE_DIR", str(INSTANCE_DIR / "cache"))
CACHE_DEFAULT_TIMEOUT = int(os.environ.get("CACHE_DEFAULT_TIMEOUT", "3600"))
CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX", "console:")
CACHE_THRESHOLD = 2000  # FileSystemCache: entries kept before the oldest are dropped
# Imports of more rows than this run in the background worker (app/jobs.py, Huey: Redis with
# REDIS_URL, else SQLite in the instance folder); smaller ones within the request.
JOB_INLINE_ROWS = int(os.environ.get("JOB_INLINE_ROWS", "2000"))
RATELIMIT_STRATEGY = "moving-window"  # "N per period" holds for any period, not per clock window
RATELIMIT_HEADERS_ENABLED = True  # X-RateLimit-* and Retry-After on limited routes
AUTH_RATE_LIMITED = True
AUTH_RATE_LIMIT = os.environ.get("AUTH_RATE_LIMIT", "10 per 60 second")
# Public pages: comments and verification-code checks per client address (empty: no limit).
COMMENT_RATE_LIMIT = os.environ.get("COMMENT_RATE_LIMIT", "5 per 10 minute")
VERIFY_RATE_LIMIT = os.environ.get("VERIFY_RATE_LIMIT", "20 per minute")
# Base of the /verify address printed in QR codes (e.g. https://console.example.edu.cn);
# unset: the address the print was requested on, if its host is trusted (below), else 400.
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "").rstrip("/")
# Host names this console answers to (comma-separated; ".example.edu.cn" takes subdomains):
# Flask answers 400 to any other Host header. Unset: every host is served, but only those in
# SAFE_REDIRECT_HOSTS are printed into QR codes when PUBLIC_BASE_URL is unset.
TRUSTED_HOSTS = [
    h.strip() for h in os.environ.get("TRUSTED_HOSTS", "").split(",") if h.strip()
] or None
FAB_PASSWORD_COMPLEXITY_ENABLED = True

# LDAP (used when AUTH_MODE=ldap; see README "统一身份认证"). Flask-AppBuilder's own names,
# read from environment variables of the same name; the LDAP_* names of earlier releases are
# still read, with a deprecation warning (_env_ldap).
AUTH_LDAP_SERVER = _env_ldap("AUTH_LDAP_SERVER", "LDAP_URL", "ldap://127.0.0.1:389")
AUTH_LDAP_USE_TLS = _env_ldap("AUTH_LDAP_USE_TLS", "LDAP_STARTTLS", False)
AUTH_LDAP_TLS_CACERTFILE = _env_ldap("AUTH_LDAP_TLS_CACERTFILE", "LDAP_CA_FILE", "")
AUTH_LDAP_TLS_CACERTDIR = _env_ldap("AUTH_LDAP_TLS_CACERTDIR", None, "")
AUTH_LDAP_TLS_CERTFILE = _env_ldap("AUTH_LDAP_TLS_CERTFILE", None, "")
AUTH_LDAP_TLS_KEYFILE = _env_ldap("AUTH_LDAP_TLS_KEYFILE", None, "")
# The server's certificate must verify (FAB's default is False; the console's has always been
# to require it). AUTH_LDAP_ALLOW_SELF_SIGNED=true accepts any certificate: test rigs only.
AUTH_LDAP_TLS_DEMAND = _env_ldap("AUTH_LDAP_TLS_DEMAND", None, True)
AUTH_LDAP_ALLOW_SELF_SIGNED = _env_ldap("AUTH_LDAP_ALLOW_SELF_SIGNED", None, False)
AUTH_LDAP_SEARCH = _env_ldap("AUTH_LDAP_SEARCH", "LDAP_SEARCH_BASE", "")
AUTH_LDAP_UID_FIELD = _env_ldap("AUTH_LDAP_UID_FIELD", "LDAP_UID_FIELD", "uid")
AUTH_LDAP_BIND_USER = _env_ldap("AUTH_LDAP_BIND_USER", "LDAP_BIND_DN", "")
AUTH_LDAP_BIND_PASSWORD = _env_ldap("AUTH_LDAP_BIND_PASSWORD", "LDAP_BIND_PASSWORD", "")
AUTH_LDAP_FIRSTNAME_FIELD = _env_ldap(
    "AUTH_LDAP_FIRSTNAME_FIELD", "LDAP_FIRSTNAME_FIELD", "givenName"
)
AUTH_LDAP_LASTNAME_FIELD = _env_ldap("AUTH_LDAP_LASTNAME_FIELD", "LDAP_LASTNAME_FIELD", "sn")
AUTH_LDAP_EMAIL_FIELD = _env_ldap("AUTH_LDAP_EMAIL_FIELD", "LDAP_EMAIL_FIELD", "mail")
# Groups: read from this attribute of the user entry when the directory keeps it (memberOf);
# otherwise searched under LDAP_GROUP_BASE as groupOfNames/groupOfUniqueNames with the user's DN.
AUTH_LDAP_GROUP_FIELD = _env_ldap("AUTH_LDAP_GROUP_FIELD", "LDAP_GROUP_FIELD", "memberOf")
# Group DN -> console roles, as JSON: {"cn=x,ou=groups,dc=..": ["审核员"]}. Unlike FAB, the
# console matches the DNs case-insensitively, and syncs the roles at every login.
AUTH_ROLES_MAPPING = json.loads(_env_ldap("AUTH_ROLES_MAPPING", "LDAP_GROUP_ROLES", "{}"))
# What FAB has no setting for: the department attribute, where to search groups, the timeout.
LDAP_DEPARTMENT_FIELD = os.environ.get("LDAP_DEPARTMENT_FIELD", "departmentNumber")
LDAP_GROUP_BASE = os.environ.get("LDAP_GROUP_BASE", "")
LDAP_TIMEOUT_SECONDS = float(os.environ.get("LDAP_TIMEOUT_SECONDS", "5"))
# Who is 在编在岗 (measures art. 6; contract staff included): the directory attribute and the
# values that count as on the college's staff. Only such people may be filed as handlers.
LDAP_STAFF_FIELD = os.environ.get("LDAP_STAFF_FIELD", "employeeType")
LDAP_STAFF_VALUES = [
    v.strip()
    for v in os.environ.get("LDAP_STAFF_VALUES", "在编在岗,合同制").split(",")
    if v.strip()
]
# The role of a directory (or CAS) person whose groups map to no console role, e.g. a student:
# 申请人 applies for live items under 网上办事 and sees nothing of the campaign. Empty refuses
# such people at login instead.
DIRECTORY_DEFAULT_ROLE = os.environ.get("DIRECTORY_DEFAULT_ROLE", "申请人").strip()
# How long a passed training assessment stays valid (measures art. 18).
TRAINING_VALID_DAYS = int(os.environ.get("TRAINING_VALID_DAYS", "365"))
# CAS (used when AUTH_MODE=cas; see README "CAS 单点登录"), through python-cas. CAS_SERVER_URL
# is the server's base ending in "/" (…/cas/: login, p3/serviceValidate and logout follow it);
# CAS_VERSION 3 (attributes in the validation answer) or 2. CAS_SERVICE_URL is this console's
# CAS address as the CAS server must see it (…/login/cas/); unset, it is built from the request
# (behind a proxy set PROXY_COUNT). The ticket check waits CAS_TIMEOUT_SECONDS at most.
CAS_SERVER_URL = os.environ.get("CAS_SERVER_URL", "")
CAS_VERSION = os.environ.get("CAS_VERSION", "3")
CAS_SERVICE_URL = os.environ.get("CAS_SERVICE_URL", "")
CAS_TIMEOUT_SECONDS = float(os.environ.get("CAS_TIMEOUT_SECONDS", "5"))
CAS_VERIFY_TLS = _env_bool("CAS_VERIFY_TLS", True)
# Where a CAS user's names, department and groups come from: "attributes" (the CAS answer,
# attribute names below) or "ldap" (the directory above, searched by the CAS user name with the
# service account: AUTH_LDAP_*, LDAP_DEPARTMENT_FIELD, LDAP_GROUP_BASE). Groups map to roles by
# AUTH_ROLES_MAPPING either way (group names or DNs, case-insensitive).
CAS_USER_SOURCE = os.environ.get("CAS_USER_SOURCE", "attributes").strip().lower()
CAS_ATTRIBUTE_DEPARTMENT = os.environ.get("CAS_ATTRIBUTE_DEPARTMENT", "department")
CAS_ATTRIBUTE_GROUPS = os.environ.get("CAS_ATTRIBUTE_GROUPS", "groups")
CAS_ATTRIBUTE_FIRSTNAME = os.environ.get("CAS_ATTRIBUTE_FIRSTNAME", "givenName")
CAS_ATTRIBUTE_LASTNAME = os.environ.get("CAS_ATTRIBUTE_LASTNAME", "sn")
CAS_ATTRIBUTE_EMAIL = os.environ.get("CAS_ATTRIBUTE_EMAIL", "mail")
# Logging out of the console also logs out of the CAS server (its single logout then ends the
# person's other CAS sessions); false: only the console session ends.
CAS_LOGOUT_AT_SERVER = _env_bool("CAS_LOGOUT_AT_SERVER", True)
# Local accounts that never go to the directory (the emergency administrator,
# app/services/access/emergency.py). A name anyone would guess (admin, administrator, root,
# ... emergency.RESERVED_NAMES) stops the console at start-up, and no command or screen creates
# a local account of such a name. Each login of these accounts is mailed (SMTP below) to every
# security administrator and shown on their home page, with time, address and browser.
LOCAL_ADMIN_USERS = [
    u.strip() for u in os.environ.get("LOCAL_ADMIN_USERS", "sysadmin").split(",") if u.strip()
]
# Networks (comma-separated CIDR blocks) the emergency administrator may log in from, judged on
# the client address after the PROXY_COUNT trusted proxies (as the login throttle does); from
# anywhere else its login is refused like a wrong password and audited. Default: loopback and
# the RFC 1918 private ranges. Narrow it to the IT office's own subnet where you can.
LOCAL_ADMIN_NETWORKS = os.environ.get(
    "LOCAL_ADMIN_NETWORKS", "127.0.0.0/8,::1/128,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16"
)
LOCKOUT_THRESHOLD = int(os.environ.get("LOCKOUT_THRESHOLD", "5"))
LOCKOUT_MINUTES = int(os.environ.get("LOCKOUT_MINUTES", "30"))
# Failures are counted per user name AND client address (app/services/access/throttle.py):
# after the n-th failure the next attempt from that address waits LOGIN_DELAY_SECONDS × 2^(n-1)
# seconds (at most LOGIN_DELAY_MAX_SECONDS; 0 turns the delays off), from the
# CAPTCHA_AFTER_FAILURES-th on an image challenge must be answered (0: never), and the owner
# of the account is mailed (SMTP below) at most once per FAILURE_MAIL_MINUTES.
LOGIN_DELAY_SECONDS = int(os.environ.get("LOGIN_DELAY_SECONDS", "1"))
LOGIN_DELAY_MAX_SECONDS = int(os.environ.get("LOGIN_DELAY_MAX_SECONDS", "60"))
CAPTCHA_AFTER_FAILURES = int(os.environ.get("CAPTCHA_AFTER_FAILURES", "3"))
FAILURE_MAIL_MINUTES = int(os.environ.get("FAILURE_MAIL_MINUTES", "60"))
# Second factor (TOTP) of the three administrators' roles and LOCAL_ADMIN_USERS: the name
# the authenticator app shows for the account (default APP_NAME).
TOTP_ISSUER = os.environ.get("TOTP_ISSUER", "")
# Days a local password lasts; 0 turns the periodic change off, never the forced change of a
# password set by someone else (new account, reset), which always comes at the next login.
PASSWORD_MAX_AGE_DAYS = int(os.environ.get("PASSWORD_MAX_AGE_DAYS", "90"))

# --- Sessions and cookies ---------------------------------------------------------------------
SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
SESSION_MAX_HOURS = int(os.environ.get("SESSION_MAX_HOURS", "8"))
PERMANENT_SESSION_LIFETIME = timedelta(minutes=SESSION_IDLE_MINUTES)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
WTF_CSRF_TIME_LIMIT = None  # the session lifetime bounds the token already
MAX_CONTENT_LENGTH = 20 * 1024 * 1024
# Excel uploads (app/services/sheets/importer.py), checked before the workbook is parsed: what
# all its parts inflate to, how far one part may inflate for its size, how many parts, and how
# many cells (empty ones included) one sheet may hold. bench/upload_bomb.py shows the memory.
SHEET_MAX_UNCOMPRESSED_MB = int(os.environ.get("SHEET_MAX_UNCOMPRESSED_MB", "100"))
SHEET_MAX_COMPRESSION_RATIO = int(os.environ.get("SHEET_MAX_COMPRESSION_RATIO", "100"))
SHEET_MAX_MEMBERS = int(os.environ.get("SHEET_MAX_MEMBERS", "500"))
SHEET_MAX_CELLS = int(os.environ.get("SHEET_MAX_CELLS", "3000000"))
# Number of reverse proxies in front of the app whose X-Forwarded-* headers are trusted.
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))

# --- Language ---------------------------------------------------------------------------------
BABEL_DEFAULT_LOCALE = "zh"
# Times are stored in UTC and shown to people in this zone (pages, prints, audit, exports).
DISPLAY_TIMEZONE = os.environ.get("DISPLAY_TIMEZONE", "Asia/Shanghai")
BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")
LANGUAGES = {
    "zh": {"flag": "cn", "name": "简体中文"},
    "en": {"flag": "gb", "name": "English"},
}

# --- Mail (reminders to late departments; see README "催办提醒") ------------------------------
# No SMTP_HOST: reminders stay in the departments' task lists and no e-mail is sent.
SMTP_HOST = os.environ.get("SMTP_HOST", "")
SMTP_PORT = int(os.environ.get("SMTP_PORT", "25"))
SMTP_USER = os.environ.get("SMTP_USER", "")
SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD", "")
SMTP_STARTTLS = _env_bool("SMTP_STARTTLS", False)
SMTP_TIMEOUT_SECONDS = float(os.environ.get("SMTP_TIMEOUT_SECONDS", "10"))
MAIL_FROM = os.environ.get("MAIL_FROM", "")

# --- Who may review (app/services/access/permissions.py, actions "approve" and "return") ------
# The IT office may stand in for the reviewer: its decisions are signed and marked 管理员审核.
# Set ALLOW_ADMIN_APPROVAL=0 where only the party & administration office may decide.
ALLOW_ADMIN_APPROVAL = _env_bool("ALLOW_ADMIN_APPROVAL", True)

# --- Online entries that answer (flask check-entries, 整改台账 → 办事入口检查) ------------------
# Seconds per request, requests at once, failed checks in a row before a ledger task is opened,
# and the unified login addresses (comma-separated prefixes) a redirect to which counts as alive.
ENTRY_CHECK_TIMEOUT = float(os.environ.get("ENTRY_CHECK_TIMEOUT", "5"))
ENTRY_CHECK_CONCURRENCY = int(os.environ.get("ENTRY_CHECK_CONCURRENCY", "8"))
ENTRY_CHECK_FAILURES = int(os.environ.get("ENTRY_CHECK_FAILURES", "3"))
ENTRY_LOGIN_URLS = os.environ.get("ENTRY_LOGIN_URLS", "")
# Campus systems often use certificates of their own CA; 0 checks them without verifying TLS.
ENTRY_CHECK_VERIFY_TLS = _env_bool("ENTRY_CHECK_VERIFY_TLS", True)
# The 立即检查 button checks up to this many live items in the request; more go to the
# background worker (app/jobs.py), whose progress page the button opens.
ENTRY_CHECK_INLINE_ITEMS = int(os.environ.get("ENTRY_CHECK_INLINE_ITEMS", "20"))

# --- Cases (办件): the largest file an applicant may upload as one material -----------------------
# (a request as a whole stays within MAX_CONTENT_LENGTH; files live in INSTANCE_DIR/uploads).
CASE_UPLOAD_MAX_BYTES = int(os.environ.get("CASE_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))

# --- Review deadline (reviewer's inbox and the yearly assessment's on-time rate) ---------------
REVIEW_DUE_WORKING_DAYS = int(os.environ.get("REVIEW_DUE_WORKING_DAYS", "5"))

# --- Audit trail (see README "审计日志") -------------------------------------------------------
# The chain is keyed (HMAC-SHA256) with a secret that never enters the database: AUDIT_HMAC_KEY
# from the environment, else one generated on first start into instance/audit_key (0600).
AUDIT_HMAC_KEY = _secret_key("AUDIT_HMAC_KEY", "audit_key")
# Signed checkpoints of the chain's head, appended (O_APPEND) every AUDIT_CHECKPOINT_EVERY
# entries, by `flask audit-checkpoint` and by `flask audit-verify`; also logged to the
# "app.audit.checkpoint" logger (route it to syslog for a copy off the machine).
AUDIT_CHECKPOINT_FILE = os.environ.get(
    "AUDIT_CHECKPOINT_FILE", str(INSTANCE_DIR / "audit_checkpoints.jsonl")
)
AUDIT_CHECKPOINT_EVERY = int(os.environ.get("AUDIT_CHECKPOINT_EVERY", "100"))
# Entries stay online at least this long (网络安全法: six months, i.e. at most 184 days): never
# less than 185, whatever the environment says. `flask audit-archive` writes older ones here.
AUDIT_RETENTION_DAYS = max(185, int(os.environ.get("AUDIT_RETENTION_DAYS", "185")))
AUDIT_ARCHIVE_DIR = os.environ.get("AUDIT_ARCHIVE_DIR", str(INSTANCE_DIR / "audit_archive"))
