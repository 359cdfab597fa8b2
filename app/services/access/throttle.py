"""Per-client rate limits for public endpoints (comments, verification), with the limiter storage
configured for the app (`RATELIMIT_STORAGE_URI`: Redis when REDIS_URL is set, shared by every
worker; memory otherwise).

It uses the `limits` package Flask-Limiter is built on, directly, so the public limits stay on
whatever `RATELIMIT_ENABLED` says for the login form (tests switch that one off).
"""

from flask import current_app, request
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

_limiters = {}


def _limiter():
    uri = current_app.config.get("RATELIMIT_STORAGE_URI", "memory://")
    if uri not in _limiters:
        _limiters[uri] = MovingWindowRateLimiter(storage_from_string(uri))
    return _limiters[uri]


def hit(name):
    """Count one request of the client against limit `name`; False when it is over the limit."""
    limit = current_app.config.get(f"{name.upper()}_RATE_LIMIT")
    if not limit:
        return True
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX", "console")
    return _limiter().hit(parse(limit), prefix, "public", name, request.remote_addr or "-")


def reset():
    """Forget the counts kept in memory (tests); shared Redis counts are left alone."""
    for uri, limiter in _limiters.items():
        if uri.startswith("memory://"):
            limiter.storage.reset()
