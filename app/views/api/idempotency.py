"""Idempotency keys of the API's POSTs: the first answer is kept for a day and given again.

A retried POST with the same `Idempotency-Key` (and the same method, path and body) gets the
stored status and body, marked `Idempotent-Replayed: true`, and changes nothing; the same key
with another request answers 422. The answer is stored in the transaction of the write itself,
so a write that was rolled back leaves no key behind.
"""

import hashlib
import json
from datetime import timedelta

from flask import Response, g, make_response, request
from flask_babel import gettext as _
from sqlalchemy import delete, select

from app.extensions import db
from app.models import ApiIdempotency
from app.models.base import utcnow

from ..errors import abort_with
from ..transaction import one_transaction

KEEP = timedelta(days=1)
HEADER = "Idempotency-Key"


def _fingerprint() -> str:
    body = request.get_data(cache=True) or b""
    text = f"{request.method} {request.path}\n".encode() + body
    return hashlib.sha256(text).hexdigest()


def _json(status: int, body: str, replayed: bool = False) -> Response:
    response = make_response(body, status, {"Content-Type": "application/json"})
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


def answer(run) -> Response:
    """Run `run()` -> (status, data) in one transaction, once per idempotency key."""
    key = request.headers.get(HEADER)
    if key is not None and not (0 < len(key) <= 128 and key.isprintable()):
        abort_with(400, _("Idempotency-Key 应为 1 到 128 个可见字符。"))
    session = db.session
    if key is not None:
        since = utcnow() - KEEP
        kept = session.scalars(
            select(ApiIdempotency).where(
                ApiIdempotency.token_id == g.api_token.id,
                ApiIdempotency.key == key,
                ApiIdempotency.created_at > since,
            )
        ).first()
        if kept is not None:
            if kept.fingerprint != _fingerprint():
                abort_with(422, _("该幂等键已用于另一个不同的请求。"))
            return _json(kept.status, kept.body, replayed=True)
    with one_transaction(explain=True):
        status, data = run()
        body = json.dumps(data, ensure_ascii=False)
        if key is not None:
            session.execute(
                delete(ApiIdempotency).where(
                    ApiIdempotency.token_id == g.api_token.id,
                    ApiIdempotency.created_at <= utcnow() - KEEP,
                )
            )
            session.add(
                ApiIdempotency(
                    token_id=g.api_token.id,
                    key=key,
                    fingerprint=_fingerprint(),
                    status=status,
                    body=body,
                )
            )
    return _json(status, body)
