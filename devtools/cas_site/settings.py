"""Settings of the test CAS server; every machine-specific value comes from CAS_SITE_* variables
set by devtools/casd.py. Nothing is fetched from outside: the templates' Bootstrap 3 and jQuery
are Flask-AppBuilder's own copies (CAS_SITE_ASSETS), and the new-version checks are off."""

import os
from pathlib import Path

FOLDER = Path(os.environ["CAS_SITE_FOLDER"])
SECRET_KEY = os.environ["CAS_SITE_SECRET"]
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "cas_server",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
ROOT_URLCONF = "cas_site.urls"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": FOLDER / "cas.db"}}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "/static/"
STATICFILES_DIRS = [("fab", os.environ["CAS_SITE_ASSETS"])]

CAS_AUTH_CLASS = "cas_site.auth.FileUser"
CAS_NEW_VERSION_HTML_WARNING = False
CAS_NEW_VERSION_EMAIL_WARNING = False
CAS_SHOW_POWERED = False
CAS_LOGIN_TEMPLATE = "cas_server/bs3/login.html"
CAS_WARN_TEMPLATE = "cas_server/bs3/warn.html"
CAS_LOGGED_TEMPLATE = "cas_server/bs3/logged.html"
CAS_LOGOUT_TEMPLATE = "cas_server/bs3/logout.html"
CAS_COMPONENT_URLS = {
    "bootstrap3_css": "/static/fab/appbuilder/css/bootstrap.min.css",
    "bootstrap3_js": "/static/fab/appbuilder/js/bootstrap.min.js",
    "html5shiv": "/static/fab/appbuilder/js/ab.js",
    "respond": "/static/fab/appbuilder/js/ab.js",
    "bootstrap4_css": "/static/fab/appbuilder/css/bootstrap.min.css",
    "bootstrap4_js": "/static/fab/appbuilder/js/bootstrap.min.js",
    "jquery": "/static/fab/appbuilder/js/jquery-latest.js",
}
# After /cas/logout?service=..., go back to the console (its login page).
CAS_REDIRECT_TO_LOGIN_AFTER_LOGOUT = False
CAS_SLO_TIMEOUT = 5
LOGGING = {
    "version": 1,
    "handlers": {"file": {"class": "logging.FileHandler", "filename": FOLDER / "cas.log"}},
    "root": {"handlers": ["file"], "level": "INFO"},
}
