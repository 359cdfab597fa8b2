"""Answers for every refused or failed request that no view answers itself.

`ERROR_PAGES` words each HTTP status in Chinese (any other status takes the 4xx or 5xx
entry). `register_errors(app)`, called once from `create_app`, installs the handlers:

- every `HTTPException` (400, 403, 404, 405, 413, 429, ...) and the 500 of an unhandled
  exception: a page in the console's layout for a logged-in user, a plain page otherwise (and
  whenever the layout itself cannot be drawn), with a way home and back; JSON
  (`{"message": ...}`) for `/api/` paths and clients asking for JSON;
- a database that cannot be reached (`DATABASE_DOWN`): 503 on the plain page, which needs no
  query, so it shows while the database is down; `pool_pre_ping` (config.py) replaces the dead
  connections when it is back;
- FAB's and Flask-JWT-Extended's own JSON refusals on `/api/` (English) get the Chinese
  message of their status;
- `abort_with(status, message)`: a refusal whose own (translated) message is the page's text,
  e.g. the directory being down while signing (503).

Nothing from the exception reaches the page: the message is the table's, the detail goes to
the log. Flask-Limiter's 429 keeps its configured message; the public pages answer their own
429 with their form (app/views/public.py).
"""

import json
import logging
import re
from urllib.parse import urlsplit

from flask import current_app, g, jsonify, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import (
    HTTPException,
    InternalServerError,
    SecurityError,
    default_exceptions,
)

from .redirects import is_safe_target

log = logging.getLogger(__name__)

# SQLAlchemy's errors that mean "the database is not there right now" (refused or dropped
# connections, a server shutting down, a full pool), answered 503 instead of 500.
DATABASE_DOWN = (OperationalError, InterfaceError, DisconnectionError, PoolTimeoutError)

# status -> (title, message). 4xx / 5xx: any status not listed.
ERROR_PAGES = {
    400: (_l("请求无效"), _l("请求的内容无法处理，表单可能已过期。请返回上一页，刷新后重试。")),
    401: (_l("需要登录"), _l("请先登录，或登录已失效，请重新登录。")),
    403: (_l("没有权限"), _l("您没有访问此页面或执行此操作的权限；如需开通，请联系信息中心。")),
    404: (_l("页面不存在"), _l("您要找的页面或记录不存在，或不在您的查看范围内。")),
    405: (_l("请求方式不被允许"), _l("此地址不接受这种请求方式，请通过页面上的按钮或链接操作。")),
    413: (_l("提交的内容过大"), _l("提交的内容超过 {mb} MB 的上限，请拆分后分别提交。")),
    429: (_l("请求过于频繁"), _l("请求过于频繁，请稍后再试。")),
    500: (
        _l("系统内部错误"),
        _l("系统处理您的请求时出错，已记录在案。请稍后重试；问题持续时请联系信息中心。"),
    ),
    503: (_l("服务暂不可用"), _l("系统暂时无法连接数据库，请稍后重试；您刚才的操作未保存。")),
    "4xx": (_l("请求未能完成"), _l("请求未能完成，请返回上一页后重试。")),
    "5xx": (_l("服务暂不可用"), _l("系统暂时无法完成您的请求，请稍后重试。")),
}


def abort_with(status: int, message: str):
    """Answer `status` with `message` (already translated) as the page's text."""
    error = default_exceptions[status](description=message)
    error.console_message = message
    raise error


def wants_json() -> bool:
    """The client asked for JSON first (the rule app/security/sessions.py answers by too)."""
    return request.is_json or request.accept_mimetypes.best == "application/json"


def _is_api() -> bool:
    return request.path.startswith("/api/") or wants_json()


def words(status: int, error=None) -> tuple[str, str]:
    """(title, message) of the page answering `status`."""
    key = status if status in ERROR_PAGES else ("5xx" if status >= 500 else "4xx")
    title, message = ERROR_PAGES[key]
    custom = getattr(error, "console_message", None)
    if custom:
        return str(title), str(custom)
    if status == 429:
        return str(title), _rate_limit_message(error)
    if status == 413:
        mb = (current_app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024)
        return str(title), str(message).format(mb=mb)
    return str(title), str(message)


def _rate_limit_message(error) -> str:
    limit = getattr(error, "limit", None)
    if limit is not None and limit.error_message:
        return str(error.description)
    return str(ERROR_PAGES[429][1])


def _back() -> str | None:
    """The page the user came from (same host only), for the "previous page" link."""
    referrer = request.referrer
    if not referrer:
        return None
    try:
        parts = urlsplit(referrer)
        host = request.host
    except (ValueError, SecurityError):  # a malformed referrer, or a Host not trusted
        return None
    if parts.netloc and parts.netloc != host:
        return None
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    if request.method == "GET" and target == request.full_path.rstrip("?"):
        return None
    if not is_safe_target(target):
        return None
    return target


def _logged_in() -> bool:
    """A user is logged in (read through Flask-Login: the CSRF check runs before FAB sets g)."""
    try:
        return bool(current_user and current_user.is_authenticated)
    except Exception:  # the user's row cannot be read (database down): a plain page
        _rollback()
        # Flask-Login's template context would try to load the user again.
        g._login_user = current_app.login_manager.anonymous_user()
        return False


def _home() -> str:
    try:
        return url_for("IndexView.index") if _logged_in() else url_for("public.lists_page")
    except Exception:
        return "/"


def error_response(status: int, error=None, *, plain: bool = False):
    """The page (or JSON) answering `status`."""
    title, message = words(status, error)
    if _is_api():
        response = jsonify(message=message)
        response.status_code = status
        return response
    context = dict(
        status=status,
        title=title,
        message=message,
        back=_back(),
        home=_home(),
        login=None,
        stylesheet=_stylesheet(),
    )
    if not plain and _logged_in():
        try:
            from app.extensions import appbuilder

            g.user = getattr(g, "user", None) or current_user._get_current_object()
            page = render_template(
                "errors/console.html",
                appbuilder=appbuilder,
                base_template=appbuilder.base_template,
                **context,
            )
            return page, status
        except Exception:  # the menus need the database; fall back to the plain page
            log.warning("error page in the console layout failed", exc_info=True)
            _rollback()
    if status in (401, 403) and not _logged_in():
        context["login"] = _login_url()
    return render_template("errors/plain.html", **context), status


def _stylesheet() -> str:
    try:
        return url_for("appbuilder.static", filename="css/bootstrap.min.css")
    except Exception:  # no URL adapter: the request's Host was refused (400)
        return "/static/appbuilder/css/bootstrap.min.css"


def _login_url():
    try:
        from app.extensions import appbuilder

        return appbuilder.get_url_for_login
    except Exception:
        return None


def _rollback():
    from app.extensions import db

    try:
        db.session.rollback()
    except Exception:
        log.warning("rollback after a database error failed", exc_info=True)


def http_error(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    return error_response(error.code, error)


def internal_error(error: InternalServerError):
    original = getattr(error, "original_exception", None)
    if isinstance(original, DATABASE_DOWN):
        return database_down(original)
    return error_response(500, error)


def database_down(error):
    log.error("database unreachable: %s", type(error).__name__, exc_info=error)
    _rollback()
    return error_response(503, plain=True)


def release_session(_error=None):
    """End the request's database session even when its connection is gone: the rollback on
    a dead connection raises, and would escape the application as a bare 500 after the page
    was made. Registered after Flask-SQLAlchemy's teardown, so it runs first."""
    from app.extensions import db

    try:
        db.session.remove()
    except SQLAlchemyError:
        log.warning("closing the session failed: the database is unreachable")
        try:
            db.session.remove()  # the dead connection was invalidated by the first attempt
        except SQLAlchemyError:
            db.session.registry.clear()


CJK = re.compile(r"[\u4e00-\u9fff]")


def chinese_api_errors(response):
    """after_request: an /api/ error answered by FAB or Flask-JWT-Extended themselves (their
    English `message` / `msg`, or a dict of field errors) gets the Chinese message instead."""
    if response.status_code < 400 or not request.path.startswith("/api/"):
        return response
    if not response.is_json or response.direct_passthrough:
        return response
    body = response.get_json(silent=True)
    if not isinstance(body, dict):
        return response
    message = body.get("message", body.get("msg"))
    if isinstance(message, str) and CJK.search(message):
        return response
    response.set_data(json.dumps({"message": words(response.status_code)[1]}, ensure_ascii=False))
    return response


def register_errors(app):
    """Install the handlers and the session release (once, from create_app, after the
    database and FAB are set up)."""
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(InternalServerError, internal_error)
    for kind in DATABASE_DOWN:
        app.register_error_handler(kind, database_down)
    app.after_request(chinese_api_errors)
    app.teardown_appcontext(release_session)


def too_many_requests(error):
    """The 429 answer (also used by the public pages for their other routes)."""
    return error_response(429, error)
