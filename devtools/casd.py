"""A throwaway CAS server (django-cas-server, devtools/cas_site) on 127.0.0.1.

Used by the tests (a real CAS 2.0/3.0 server, never a mock) and by `make run-cas`. It runs with
the Python of its own virtual environment (.cas-venv, built by scripts/install-cas-server.sh),
keeps its database and people in a folder of its own, and releases to the console only the
attributes it is told to. People are written to users.json (devtools/cas_site/auth.py).
"""

import html
import json
import os
import re
import secrets
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import flask_appbuilder

from devtools.slapd import free_port

ROOT = Path(__file__).resolve().parent.parent
SITE = Path(__file__).resolve().parent / "cas_site"
CAS_VENV = Path(os.environ.get("CAS_VENV", ROOT / ".cas-venv"))
# Services that may use this CAS: the console on any local port.
SERVICE_PATTERN = r"^http://(127\.0\.0\.1|localhost):[0-9]+/.*$"


class CasServer:
    """One running CAS server; `url` (ending in /cas/), `add_person()`, `stop()`."""

    def __init__(self, attributes, port=None, folder=None, venv=CAS_VENV):
        self.attributes = list(attributes)
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}/cas/"
        self.folder = Path(folder or tempfile.mkdtemp(prefix="cas-"))
        self.python = Path(venv) / "bin" / "python"
        self.people = {}
        self.process = None

    def _env(self):
        return {
            **os.environ,
            "PYTHONPATH": str(SITE.parent),
            "DJANGO_SETTINGS_MODULE": "cas_site.settings",
            "CAS_SITE_FOLDER": str(self.folder),
            "CAS_SITE_SECRET": self.secret,
            "CAS_SITE_ASSETS": str(Path(flask_appbuilder.__file__).parent / "static"),
        }

    def _run(self, *args):
        done = subprocess.run(
            [str(self.python), *args], env=self._env(), capture_output=True, text=True
        )
        if done.returncode:
            raise RuntimeError(f"CAS server set-up failed ({' '.join(args)}): {done.stderr}")

    def start(self):
        if not self.python.exists():
            raise RuntimeError(
                f"the CAS server's virtual environment is missing ({self.python}): "
                "run scripts/install-cas-server.sh (make install-test does)"
            )
        self.folder.mkdir(parents=True, exist_ok=True)
        self.secret = secrets.token_hex(32)
        self._write_people()
        self._run("-m", "django", "migrate", "--noinput", "-v", "0")
        self._run(str(SITE / "setup_data.py"), SERVICE_PATTERN, *self.attributes)
        log = open(self.folder / "runserver.log", "wb")  # noqa: SIM115 (kept for the process)
        self.process = subprocess.Popen(
            [
                str(self.python),
                "-m",
                "django",
                "runserver",
                f"127.0.0.1:{self.port}",
                "--noreload",
            ],
            env=self._env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("CAS server exited: " + self.log_tail())
            try:
                with urllib.request.urlopen(self.url + "login", timeout=2) as answer:
                    if answer.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("CAS server did not answer within 30 s")

    def log_tail(self):
        path = self.folder / "runserver.log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else ""

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _write_people(self):
        path = self.folder / "users.json"
        path.write_text(json.dumps(self.people, ensure_ascii=False), encoding="utf-8")

    def add_person(self, username, password, **attributes):
        """Add (or replace) a person; values are strings or lists of strings."""
        self.people[username] = {"password": password, "attributes": attributes}
        self._write_people()

    def set_attributes(self, username, **attributes):
        self.people[username]["attributes"].update(attributes)
        self._write_people()


def hidden_fields(page):
    """The hidden inputs of the CAS login form (the login ticket and Django's CSRF token)."""
    fields = {}
    for tag in re.findall(r"<input[^>]*>", page):
        if 'type="hidden"' in tag:
            name = re.search(r'name="([^"]+)"', tag)
            value = re.search(r'value="([^"]*)"', tag)
            if name:
                fields[name.group(1)] = html.unescape(value.group(1) if value else "")
    return fields
