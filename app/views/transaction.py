"""One request, one transaction: how every page that calls a service reports the outcome."""

from contextlib import contextmanager
from types import SimpleNamespace

from flask import abort, flash
from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.services.errors import DomainError, NotFoundError


@contextmanager
def one_transaction(success=None):
    """Commit what the block did and flash `success`; or roll it all back and say why: the
    service's own refusal, 404 for a record out of reach, a retry hint for a database error.
    The yielded object's `ok` tells the caller which happened."""
    outcome = SimpleNamespace(ok=False)
    try:
        yield outcome
        db.session.commit()
    except NotFoundError:
        db.session.rollback()
        abort(404)
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "danger")
    except SQLAlchemyError:
        db.session.rollback()
        flash(_("操作失败，请刷新页面后重试。"), "danger")
    else:
        outcome.ok = True
        if success:
            flash(success, "success")
