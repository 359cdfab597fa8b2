"""Answers for refused requests that no view renders itself: too many requests (429).

Flask-Limiter (FAB's `appbuilder.sm.limiter`) raises `RateLimitExceeded` for the login form and
the public pages; this turns it into a Chinese page, or JSON for a client that asks for JSON.
The public pages render their own form instead (app/views/public.py).
"""

from flask import jsonify, render_template, request, url_for
from flask_babel import gettext as _


def wants_json():
    """The client asked for JSON first (the rule app/security/sessions.py answers by too)."""
    return request.is_json or request.accept_mimetypes.best == "application/json"


def _message(error):
    limit = getattr(error, "limit", None)
    if limit is not None and limit.error_message:
        return str(error.description)
    return _("请求过于频繁，请稍后再试。")


def too_many_requests(error):
    message = _message(error)
    if wants_json():
        response = jsonify(message=message)
        response.status_code = 429
        return response
    # Back to the page itself when it is one (the login form answers GET at the same path).
    if request.method == "GET" or (request.endpoint or "").endswith(".login"):
        back = request.path
    else:
        back = url_for("public.lists_page")
    return render_template("public/message.html", message=message, back=back), 429


def register_errors(app):
    app.register_error_handler(429, too_many_requests)
