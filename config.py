"""Configuration read from the environment, with safe defaults.

Every setting that differs between machines comes from an environment variable; nothing secret is
a constant in the code. `create_app(test_config)` may override any key afterwards.
"""

import json
import os
import secrets
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


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated on first start and kept in instance/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    key_file = INSTANCE_DIR / "secret_key"
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
FAB_ADD_SECURITY_API = False
FAB_API_SWAGGER_UI = False
FAB_SAFE_REDIRECT_HOSTS = [
    h.strip()
    for h in os.environ.get("SAFE_REDIRECT_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]
# Largest page a list view will serve, whatever ?psize_ asks for.
LIST_MAX_PAGE_SIZE = 100

# --- Authentication ---------------------------------------------------------------------------
AUTH_TYPE = AUTH_LDAP if os.environ.get("AUTH_MODE", "db").lower() == "ldap" else AUTH_DB
AUTH_ROLE_ADMIN = "信息中心管理员"
AUTH_ROLE_PUBLIC = "Public"
AUTH_USER_REGISTRATION = False
AUTH_RATE_LIMITED = True
RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL", "memory://")
RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "console")
AUTH_RATE_LIMIT = os.environ.get("AUTH_RATE_LIMIT", "10 per 60 second")
# Public pages: comments and verification-code checks per client address.
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

# LDAP (used when AUTH_MODE=ldap; see README "统一身份认证").
AUTH_LDAP_SERVER = os.environ.get("LDAP_URL", "ldap://127.0.0.1:389")
AUTH_LDAP_USE_TLS = _env_bool("LDAP_STARTTLS", False)
AUTH_LDAP_TLS_CACERTFILE = os.environ.get("LDAP_CA_FILE", "")
AUTH_LDAP_SEARCH = os.environ.get("LDAP_SEARCH_BASE", "")
AUTH_LDAP_UID_FIELD = os.environ.get("LDAP_UID_FIELD", "uid")
AUTH_LDAP_BIND_USER = os.environ.get("LDAP_BIND_DN", "")
AUTH_LDAP_BIND_PASSWORD = os.environ.get("LDAP_BIND_PASSWORD", "")
AUTH_LDAP_FIRSTNAME_FIELD = os.environ.get("LDAP_FIRSTNAME_FIELD", "givenName")
AUTH_LDAP_LASTNAME_FIELD = os.environ.get("LDAP_LASTNAME_FIELD", "sn")
AUTH_LDAP_EMAIL_FIELD = os.environ.get("LDAP_EMAIL_FIELD", "mail")
LDAP_DEPARTMENT_FIELD = os.environ.get("LDAP_DEPARTMENT_FIELD", "departmentNumber")
# Groups: read from this attribute of the user entry when the directory keeps it (memberOf);
# otherwise searched under LDAP_GROUP_BASE as groupOfNames/groupOfUniqueNames with the user's DN.
LDAP_GROUP_FIELD = os.environ.get("LDAP_GROUP_FIELD", "memberOf")
LDAP_GROUP_BASE = os.environ.get("LDAP_GROUP_BASE", "")
# Group DN (case-insensitive) -> console roles, as JSON: {"cn=x,ou=groups,dc=..": ["审核员"]}.
LDAP_GROUP_ROLES = json.loads(os.environ.get("LDAP_GROUP_ROLES", "{}"))
LDAP_TIMEOUT_SECONDS = float(os.environ.get("LDAP_TIMEOUT_SECONDS", "5"))
# Local accounts that never go to the directory (the emergency administrator).
LOCAL_ADMIN_USERS = [
    u.strip() for u in os.environ.get("LOCAL_ADMIN_USERS", "sysadmin").split(",") if u.strip()
]
LOCKOUT_THRESHOLD = int(os.environ.get("LOCKOUT_THRESHOLD", "5"))
LOCKOUT_MINUTES = int(os.environ.get("LOCKOUT_MINUTES", "30"))
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

# --- Review deadline (reviewer's inbox and the yearly assessment's on-time rate) ---------------
REVIEW_DUE_WORKING_DAYS = int(os.environ.get("REVIEW_DUE_WORKING_DAYS", "5"))
