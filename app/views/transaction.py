"""One request, one transaction: the only place a request commits, and how a refusal is answered.

Services add and flush but never commit. A view runs its service calls inside
`with one_transaction(success):` (or decorates itself with `@transactional(success=...)`), which
commits what they did and flashes `success`, or rolls it all back and answers why:

- a domain error with the status and flash category `app.services.errors.RESPONSES` maps it to:
  the statuses in `abort_on` are answered as HTTP errors (404 by default: out of scope looks like
  missing; downloads add 403), a 5xx one (a service the change needs is down) always as its
  error page with its message, every other one is flashed as its message;
- a record changed meanwhile (`StaleDataError`) as a `ConflictError`;
- a database that cannot be reached (`errors.DATABASE_DOWN`) as the 503 page, raised on;
- any other database error with a retry hint (or the view's own `failure` message), logged.

With `explain=True` (the REST API) every refusal is answered as its HTTP status with its
message (JSON on /api/), and a database error as 409 with the hint: nothing is flashed.

A test (`tests/test_commit_path.py`) fails when `.commit()` is called anywhere else under `app/`
but the CLI's commands.
"""

import logging
from collections.abc import Callable
from contextlib import contextmanager
from functools import wraps

from flask import abort, flash, redirect
from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.services.errors import ConflictError, DomainError, response_for

from .errors import DATABASE_DOWN, abort_with

log = logging.getLogger(__name__)

# A page answers a refusal with a message, except for a record out of reach.
PAGE_ABORTS = (404,)
# A download has no page of its own to show a message on a forbidden or missing file.
DOWNLOAD_ABORTS = (403, 404)


class Outcome:
    """What `one_transaction` yields. After the block: `ok` when it was not refused (committed,
    or rolled back on purpose by `discard()`), else `error` holds the refusal."""

    def __init__(self):
        self.ok = False
        self.error = None
        self.discarded = False

    def discard(self):
        """Roll back instead of committing (a dry run): nothing was refused, nothing is kept."""
        self.discarded = True


@contextmanager
def one_transaction(
    success: str | None = None,
    *,
    failure: str | None = None,
    present: Callable[[DomainError], str] = str,
    abort_on: tuple[int, ...] = PAGE_ABORTS,
    explain: bool = False,
):
    """Commit what the block did and flash `success`; or roll it all back and say why.

    `present(error)` words a refusal for the flash (the message itself by default); `failure`
    replaces the retry hint shown for a database error; `abort_on` lists the statuses answered
    as HTTP errors instead of a flash; `explain` answers every refusal as its status and
    message (the API's way)."""
    outcome = Outcome()
    session = db.session
    try:
        yield outcome
        if outcome.discarded:
            session.rollback()
        else:
            session.commit()
    except StaleDataError:
        session.rollback()
        outcome.error = ConflictError(_("该记录刚被他人修改，您的修改未保存。"))
        _refuse(outcome.error, present, abort_on, explain)
    except DomainError as error:
        session.rollback()
        outcome.error = error
        _refuse(error, present, abort_on, explain)
    except DATABASE_DOWN:
        _rollback_quietly(session)
        raise
    except SQLAlchemyError as error:
        session.rollback()
        log.exception("transaction failed")
        outcome.error = error
        if explain:
            abort_with(409, failure or _("保存失败：数据与已有记录冲突或不完整，请检查后重试。"))
        flash(failure or _("操作失败，请刷新页面后重试。"), "danger")
    except BaseException:
        session.rollback()
        raise
    else:
        outcome.ok = True
        if success and not outcome.discarded:
            flash(str(success), "success")


def _rollback_quietly(session):
    """Roll back what can be; with the connection gone the rollback itself may fail."""
    try:
        session.rollback()
    except SQLAlchemyError:
        log.warning("rollback failed: the database is unreachable")


def _refuse(error, present, abort_on, explain=False):
    status, category = response_for(error)
    if status >= 500 or explain:
        abort_with(status, str(error))
    if status in abort_on:
        abort(status)
    flash(present(error), category)


def transactional(
    success: str | None = None, *, refused: Callable | None = None, **options
) -> Callable:
    """`one_transaction` around a whole view: the view's answer is returned once what it did is
    committed. When it is refused the view answers `refused(*args, **kwargs)` instead (by
    default the home page, where the message is shown). `options` as for one_transaction."""

    def decorate(view):
        @wraps(view)
        def run(*args, **kwargs):
            with one_transaction(success, **options) as outcome:
                answer = view(*args, **kwargs)
            if outcome.ok:
                return answer
            if refused is not None:
                return refused(*args, **kwargs)
            from app.extensions import appbuilder

            return redirect(appbuilder.get_url_for_index)

        return run

    return decorate
