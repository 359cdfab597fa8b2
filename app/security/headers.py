"""Response headers every answer gets: a Content-Security-Policy, no framing, no MIME sniffing,
a strict referrer policy (and HSTS behind HTTPS).

The policy allows scripts from this origin and inline scripts carrying this response's nonce
only: FAB's templates put `nonce="{{ baselib.get_nonce() }}"` on each of their scripts, which
reads the `csp_nonce()` template global installed here; the console's own scripts are files
under app/static. No inline event handler (`onclick=`) or `javascript:` address runs. Nothing
is loaded from another origin (default-src 'self'); forms lead only here, or in CAS mode to the
CAS server too. Inline styles stay allowed (FAB's widgets
and the console's print sheets set `style=`); images may be `data:` (Select2's arrows).
"""

import secrets

from flask import g


def csp_nonce() -> str:
    """This request's script nonce (made on first use)."""
    nonce = getattr(g, "csp_nonce", None)
    if nonce is None:
        nonce = g.csp_nonce = secrets.token_urlsafe(18)
    return nonce


def _form_targets() -> str:
    """Origins a form may lead to besides this one: the CAS server in CAS mode (the logout
    POST is answered with a redirect to its logout, which `form-action` also governs)."""
    from urllib.parse import urlsplit

    from flask import current_app, has_app_context

    if not has_app_context() or current_app.config.get("AUTH_MODE") != "cas":
        return ""
    parts = urlsplit(current_app.config.get("CAS_SERVER_URL") or "")
    return f" {parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def policy(nonce: str) -> str:
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            f"form-action 'self'{_form_targets()}",
            "frame-ancestors 'none'",
        )
    )


def _secure_headers(response):
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Content-Security-Policy", policy(csp_nonce()))
    headers.setdefault("Referrer-Policy", "same-origin")
    return response


def install(app):
    app.add_template_global(csp_nonce, "csp_nonce")
    app.after_request(_secure_headers)
    if app.config.get("SESSION_COOKIE_SECURE"):
        app.after_request(_hsts)


def _hsts(response):
    response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response
