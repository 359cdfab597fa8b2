"""One commit path: a request commits only through app/views/transaction.py.

Services add and flush and leave the commit to their caller; views call them inside
`one_transaction()` or `@transactional()`. Only the CLI's own commands commit besides (`app/cli.py`;
`flask seed-demo` hands the demo seeder its commit), and the background jobs (`app/jobs.py`).
"""

import ast
import pathlib

import pytest
from flask import session

APP = pathlib.Path(__file__).resolve().parent.parent / "app"
MAY_COMMIT = (
    "views/transaction.py",
    "cli.py",
    "cli_audit.py",
    "cli_backup.py",
    "jobs.py",  # a background job is its own transaction, like a CLI command
)


def commit_calls(path):
    """Line numbers of every `<anything>.commit()` call in a file."""
    tree = ast.parse(path.read_text(), filename=str(path))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "commit"
    ]


def test_only_the_transaction_module_and_the_cli_commit():
    found = []
    for path in sorted(APP.rglob("*.py")):
        relative = path.relative_to(APP).as_posix()
        if relative.startswith(MAY_COMMIT):
            continue
        found += [f"app/{relative}:{line}" for line in commit_calls(path)]
    assert found == [], "commit through app.views.transaction.one_transaction: " + ", ".join(found)


def test_the_check_sees_a_commit(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f(session):\n    session.add(1)\n    db.session.commit()\n")
    assert commit_calls(sample) == [3]


def test_every_domain_error_has_one_answer():
    """Each refusal's HTTP status and flash category come from the one table in errors.py."""
    from app.services import errors

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    for cls in [errors.DomainError, *subclasses(errors.DomainError)]:
        status, category = errors.response_for(cls.__new__(cls))
        assert 400 <= status < 600 and category in ("danger", "warning"), cls
    assert errors.response_for(errors.NotFoundError("x")) == (404, "danger")
    assert errors.response_for(errors.InvalidTransitionError("x")) == (409, "danger")
    assert errors.response_for(errors.DuplicateTaskError("x", None)) == (409, "warning")


def flashed():
    """The messages flashed since the last call (flask caches get_flashed_messages per request)."""
    return [tuple(message) for message in session.pop("_flashes", [])]


def test_one_transaction_commits_or_answers_the_refusal(app, db_session):
    """Commit and success flash; a refusal rolls back and is flashed in its category, or
    answered with its status when the caller asks; a dry run rolls back without a refusal."""
    from werkzeug.exceptions import Forbidden, NotFound

    from app.models import Department
    from app.services.errors import DuplicateTaskError, NotFoundError, PermissionDeniedError
    from app.views.transaction import DOWNLOAD_ABORTS, one_transaction

    with app.test_request_context():
        with one_transaction("saved") as outcome:
            db_session.add(Department(code="TX1", name="事务一"))
        assert outcome.ok and flashed() == [("success", "saved")]

        with one_transaction("saved") as outcome:
            db_session.add(Department(code="TX2", name="事务二"))
            raise DuplicateTaskError("exists", None)
        assert not outcome.ok and isinstance(outcome.error, DuplicateTaskError)
        assert flashed() == [("warning", "exists")]

        with one_transaction() as outcome:
            db_session.add(Department(code="TX3", name="事务三"))
            outcome.discard()
        assert outcome.ok

        with pytest.raises(NotFound), one_transaction():
            raise NotFoundError("gone")
        with pytest.raises(Forbidden), one_transaction(abort_on=DOWNLOAD_ABORTS):
            raise PermissionDeniedError("no")
        with one_transaction() as outcome:
            raise PermissionDeniedError("no")
        assert flashed() == [("danger", "no")]

    codes = {d.code for d in db_session.query(Department).filter(Department.code.like("TX%"))}
    assert codes == {"TX1"}
    db_session.query(Department).filter_by(code="TX1").delete()
    db_session.commit()
