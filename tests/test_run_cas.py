"""`make run-cas` works: scripts/run_cas.py starts a real CAS server (django-cas-server) with the
demo college's people, records the reviewer's training (art. 18) and serves the console in CAS
mode (smoke test: its own free ports, stopped with Ctrl-C as a person would)."""

import os
import signal
import subprocess

import pytest
import requests

from devtools.casd import CAS_VENV, hidden_fields
from devtools.slapd import free_port
from tests.test_run_ldap import _wait_for_login_page, start_demo


def test_run_cas_trains_its_reviewer_who_then_logs_in_with_the_role(app, database_url):
    """The demo reviewer `shenhe` logs in through the CAS server's own form and reaches the
    office's inbox: the script gave it a passed training, so the training-gated reviewer role
    (art. 18) is not suspended at login."""
    if not (CAS_VENV / "bin" / "python").exists():
        pytest.fail(f"the CAS server's environment {CAS_VENV} is missing", pytrace=False)
    cas_port, password = free_port(), "Demo#Cas2026-test"
    process, base = start_demo(
        "run_cas.py", database_url, DEMO_CAS_PASSWORD=password, DEMO_CAS_PORT=str(cas_port)
    )
    try:
        page = _wait_for_login_page(f"{base}/login/", process)
        if page is None and process.poll() is not None:
            pytest.fail(f"the console did not start:\n{process.stdout.read()[-3000:]}")
        assert page is not None, "the console did not start"
        http = requests.Session()
        form = http.get(f"{base}/login/cas/", timeout=10)  # sent on to the CAS login form
        assert form.url.startswith(f"http://127.0.0.1:{cas_port}/"), form.url
        fields = {**hidden_fields(form.text), "username": "shenhe", "password": password}
        http.post(form.url, data=fields, timeout=20)  # back with a ticket, validated
        inbox = http.get(f"{base}/workflow/inbox/", timeout=10)
        assert inbox.status_code == 200 and inbox.url.endswith("/workflow/inbox/"), inbox.url
        assert "审核待办" in inbox.text and "角色已暂停" not in inbox.text
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
        try:
            output, _ = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            output, _ = process.communicate()
    assert "passed training recorded for: shenhe" in output, output[-3000:]
