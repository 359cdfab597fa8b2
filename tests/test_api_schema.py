"""Schemathesis against the generated OpenAPI document, in-process: no 500, every status and
body as documented, and every out-of-scope record answers 404.

The calls are made as a department contact (whose scope is one department) and as a reviewer
(every department, no department record to write), with every token scope, on a college with
records of two departments and a publication. Hypothesis runs with a
fixed seed and few examples per operation, so the file takes well under a minute.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from app.models.base import utcnow
from app.services.access import tokens
from app.services.publish import publication
from app.services.review import workflow
from tests import factories as f
from tests.factories import PASSWORD

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 6


def _college(app, role):
    """Records of both departments, an approved and published item, and a contact's token;
    returns (headers, {resource: the other department's record id})."""
    from app.extensions import db

    with app.app_context():
        session = db.session
        mine = f.complete_item(session, code="SI-SCHEMA-1")
        theirs = f.complete_item(session, code="SI-SCHEMA-2", dept="T02")
        workflow.submit(session, mine, f.user(session, "contact"))
        workflow.approve(session, mine, f.user(session, "reviewer"), PASSWORD)
        session.commit()
        today = utcnow().date()
        publication.publish(session, f.user(session, "reviewer"), PASSWORD, today, today)
        f.complete_system(session)
        f.complete_contact(session)
        f.rectification_task(session)
        other = {
            "items": theirs.id,
            "materials": theirs.materials[0].id,
            "nodes": theirs.nodes[0].id,
            "systems": f.complete_system(session, "SYS-SCHEMA-2", "T02").id,
            "contacts": f.complete_contact(session, dept="T02").id,
            "tasks": f.rectification_task(session, dept="T02").id,
        }
        _token, secret = tokens.create(
            session,
            f.user(session, "security"),
            f.user(session, role),
            "schema",
            "personal",
            list(tokens.SCOPES),
        )
        session.commit()
    return {"Authorization": f"Bearer {secret}"}, other


@pytest.fixture(params=["contact", "reviewer"])
def college(app, monkeypatch, request):
    """As a department contact (one department's scope, who writes) and as a reviewer (every
    department, who writes no department record)."""
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "")  # hundreds of calls in seconds
    return _college(app, request.param)


@pytest.fixture
def api_schema(app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def test_every_operation_answers_as_documented(api_schema, college):
    """Each operation of the document, with data drawn from its own schema (Hypothesis through
    Schemathesis' strategies; its pytest plugin does not load under pytest 9)."""
    headers, _other = college
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 35, len(operations)
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        run()


@pytest.fixture
def contact_college(app, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "")
    return _college(app, "contact")


def test_every_documented_record_path_answers_404_out_of_scope(app, api_schema, contact_college):
    """Each operation on /<resource>/{id}..., called for another department's record with
    a body the schema accepts, answers 404 (or 403 where the page's permission refuses first)
    and changes nothing."""
    headers, other = contact_college
    client = app.test_client()
    seen = 0
    for operation in api_schema.get_all_operations():
        op = operation.ok()
        parts = op.path.split("/")
        if len(parts) < 5 or parts[4] != "{id}" or parts[3] not in other:
            continue
        path = op.path.replace("{id}", str(other[parts[3]]))
        body = {"version": 1} if op.method.upper() != "GET" else None
        if path.endswith("/move"):
            body = {"action": "start"}
        query = "?version=1" if op.method.upper() == "DELETE" else ""
        response = client.open(path + query, method=op.method.upper(), json=body, headers=headers)
        allowed = (404, 403) if op.method.upper() == "DELETE" and parts[3] == "tasks" else (404,)
        assert response.status_code in allowed, (op.method, path, response.get_data(as_text=True))
        seen += 1
    assert seen >= 25, seen
