"""Idempotent POSTs: the first answer to an `Idempotency-Key` is stored and replayed.

The key row is inserted before the work, inside the work's transaction. A concurrent
request with the same key blocks on the unique index until the first commits, then
finds the stored answer; if the first fails, its row rolls back with it and the key
is free again. Only successful answers are stored, so a client may fix a refused
request and send it again under the same key.
"""

import hashlib
import json
from collections.abc import Callable

from django.db import IntegrityError, transaction
from rest_framework.response import Response

from .errors import CoreErrorCode, DomainError
from .models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAY_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255


def request_fingerprint(method: str, path: str, body) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()


def principal_scope(user) -> str:
    channel = getattr(user, "channel", None)
    if channel is not None:
        return f"channel:{channel.pk}"
    return f"user:{user.pk}"


def _replay(record: IdempotencyRecord, fingerprint: str) -> Response:
    if record.fingerprint != fingerprint:
        raise DomainError(
            CoreErrorCode.IDEMPOTENCY_KEY_REUSED,
            "This Idempotency-Key was already used with a different request body.",
            details={"idempotency_key": record.key},
        )
    return Response(record.response_body, status=record.response_status, headers={REPLAY_HEADER: "true"})


def idempotent(request, handler: Callable[[], Response]) -> Response:
    """Run `handler` atomically, at most once per (principal, Idempotency-Key)."""
    key = request.headers.get(HEADER)
    if key is None:
        with transaction.atomic():
            return _run(handler)
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise DomainError(
            CoreErrorCode.IDEMPOTENCY_KEY_INVALID,
            f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} characters.",
        )
    scope = f"{principal_scope(request.user)} {request.path}"
    fingerprint = request_fingerprint(request.method, request.path, request.data)
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(scope=scope, key=key, fingerprint=fingerprint)
        except IntegrityError:
            return _replay(IdempotencyRecord.objects.get(scope=scope, key=key), fingerprint)
        response = _run(handler)
        record.response_status = response.status_code
        record.response_body = response.data
        record.save(update_fields=["response_status", "response_body"])
        return response


def _run(handler: Callable[[], Response]) -> Response:
    response = handler()
    if not 200 <= response.status_code < 300:
        transaction.set_rollback(True)
    return response


def idempotency_purge(*, older_than) -> int:
    """Forget stored answers older than `older_than` (a datetime); returns how many."""
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=older_than).delete()
    return deleted
