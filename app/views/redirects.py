"""Where a `next=` parameter may send the browser: the one check for every redirect target.

A target is accepted when it is a path on this application (`/workflow/...`), or an absolute
http(s) address whose host is listed in `FAB_SAFE_REDIRECT_HOSTS`. Everything else falls back
to the caller's default: another host, a scheme-relative `//host`, a backslash (browsers read
`/\\host` as `//host`), control characters or whitespace (browsers drop tabs and newlines, so
`/\\t/host` becomes `//host`), user info (`https://safe@evil`), other schemes (`javascript:`).
The request's own Host header is never trusted for this (it can be forged).

`public_base_url()` is the other use of the host: the address printed in QR codes and links
is `PUBLIC_BASE_URL`, or the request's host only when `TRUSTED_HOSTS` or
`FAB_SAFE_REDIRECT_HOSTS` lists it; a forged Host gets a 400 and nothing is printed.
"""

from fnmatch import fnmatch
from urllib.parse import urlsplit

from flask import abort, current_app, request
from werkzeug.sansio.utils import host_is_trusted


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
    return _listed(parts.netloc.lower(), hostname)


def safe_next(default, target=None) -> str:
    """The request's `next` (form first, then query string) when it is safe, else `default`.

    Pass `target` to check a value read elsewhere."""
    if target is None:
        target = request.form.get("next") or request.args.get("next")
    return target if is_safe_target(target) else default


def _listed(netloc, hostname):
    return any(
        fnmatch(netloc, pattern.lower()) or fnmatch(hostname, pattern.lower())
        for pattern in current_app.config.get("FAB_SAFE_REDIRECT_HOSTS") or []
    )


def is_trusted_host(host) -> bool:
    """Whether a Host header value (host[:port]) is one this application is served on."""
    host = (host or "").lower()
    if not host_is_trusted(host):  # invalid characters or port
        return False
    trusted = current_app.config.get("TRUSTED_HOSTS")
    if trusted and host_is_trusted(host, trusted):
        return True
    return _listed(host, host.rsplit(":", 1)[0] if not host.endswith("]") else host)


def public_base_url() -> str:
    """Scheme and host of the addresses the console prints (QR codes, links), no trailing
    slash: PUBLIC_BASE_URL, else this request's own only if the host is trusted (else 400)."""
    base = (current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    if base:
        return base
    if not is_trusted_host(request.host):
        abort(400)
    return request.host_url.rstrip("/")
