"""Where a `next=` parameter may send the browser: the one check for every redirect target.

A target is accepted when it is a path on this application (`/workflow/...`), or an absolute
http(s) address whose host is listed in `FAB_SAFE_REDIRECT_HOSTS`. Everything else falls back
to the caller's default: another host, a scheme-relative `//host`, a backslash (browsers read
`/\\host` as `//host`), control characters or whitespace (browsers drop tabs and newlines, so
`/\\t/host` becomes `//host`), user info (`https://safe@evil`), other schemes (`javascript:`).
The request's own Host header is never trusted for this (it can be forged).
"""

from fnmatch import fnmatch
from urllib.parse import urlsplit

from flask import current_app, request


def is_safe_target(target) -> bool:
    """Whether `target` is a redirect target on this application (see the module's rules)."""
    if not isinstance(target, str) or not target or len(target) > 2048:
        return False
    if "\\" in target or any(ord(c) <= 32 or 127 <= ord(c) < 160 for c in target):
        return False
    try:
        parts = urlsplit(target)
        hostname = parts.hostname
        parts.port  # noqa: B018  a malformed port raises ValueError
    except ValueError:
        return False
    if not parts.scheme and not parts.netloc:
        root = request.script_root or ""
        return target.startswith(root + "/") and not target.startswith("//")
    if parts.scheme not in ("http", "https") or not parts.netloc or not hostname:
        return False
    if "@" in parts.netloc:
        return False
    netloc = parts.netloc.lower()
    return any(
        fnmatch(netloc, pattern.lower()) or fnmatch(hostname, pattern.lower())
        for pattern in current_app.config.get("FAB_SAFE_REDIRECT_HOSTS") or []
    )


def safe_next(default, target=None) -> str:
    """The request's `next` (form first, then query string) when it is safe, else `default`.

    Pass `target` to check a value read elsewhere."""
    if target is None:
        target = request.form.get("next") or request.args.get("next")
    return target if is_safe_target(target) else default
