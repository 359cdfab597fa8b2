"""The versioned REST API under /api/v1/: records, the published lists, and its OpenAPI
document with a reader (/api/v1/docs).

A plain blueprint beside FAB's own /api/v1/security/ routes. Every call but the document and
its reader needs a bearer token (`auth.authenticate`), is rate-limited per token with FAB's
Flask-Limiter (`API_RATE_LIMIT`, the shared storage the login limit uses) and answers errors
as Chinese JSON `{"message": ...}` (`app.views.errors`, statuses from
`app.services.errors.RESPONSES`).
"""

from flask import Blueprint, current_app
from flask_babel import lazy_gettext as _l

from app.services.errors import DomainError, response_for

from ..errors import error_response
from . import auth, lists, records, spec
from .resources import BY_NAME, RESOURCES

bp = Blueprint("api_v1", __name__, url_prefix="/api/v1")
bp.before_request(auth.authenticate)


@bp.errorhandler(DomainError)
def _refused(error):
    status, _category = response_for(error)
    error.console_message = str(error)
    return error_response(status, error)


def _route(rule, endpoint, view, methods=("GET",)):
    bp.add_url_rule(rule, endpoint, view, methods=list(methods))


def _bind(function, resource, **fixed):
    def view(**kwargs):
        return function(BY_NAME[resource], **kwargs, **fixed)

    view.__name__ = f"{function.__name__}_{resource}"
    return view


for _resource in RESOURCES:
    name = _resource.name
    _route(f"/{name}", f"{name}_list", _bind(records.list_records, name))
    _route(f"/{name}/<int:pk>", f"{name}_read", _bind(records.read_record, name))
    if _resource.writes:
        _route(f"/{name}", f"{name}_create", _bind(records.create_record, name), ("POST",))
        _route(
            f"/{name}/<int:pk>", f"{name}_update", _bind(records.update_record, name), ("PATCH",)
        )
        if _resource.deletable:
            _route(
                f"/{name}/<int:pk>",
                f"{name}_delete",
                _bind(records.delete_record, name),
                ("DELETE",),
            )
    for _move in _resource.moves:
        _route(
            f"/{name}/<int:pk>/{_move}",
            f"{name}_{_move}",
            _bind(records.move_record, name, move=_move),
            ("POST",),
        )
_route("/tasks/<int:pk>/move", "tasks_move", records.move_task, ("POST",))
_route("/lists", "lists_versions", lists.versions)
_route("/lists/<int:number>", "lists_version", lists.version)
_route("/lists/<int:number>/items", "lists_items", lists.items)
_route("/lists/<int:number>/<kind>.xlsx", "lists_xlsx", lists.list_xlsx)
_route("/lists/<int:number>/<kind>", "lists_rows", lists.list_rows)
_route("/openapi.json", "openapi", spec.openapi)
_route("/docs", "docs", spec.docs)

RATE_LIMIT_MESSAGE = _l("接口调用过于频繁，请稍后再试。")


def register_api(app, limiter):
    """Register the blueprint, free of CSRF (no cookie authenticates it), limited per token."""
    from app.extensions import csrf

    csrf.exempt(bp)
    limiter.limit(
        lambda: current_app.config.get("API_RATE_LIMIT") or "",
        key_func=auth.limit_key,
        exempt_when=lambda: not current_app.config.get("API_RATE_LIMIT"),
        error_message=RATE_LIMIT_MESSAGE,
    )(bp)
    app.register_blueprint(bp)
