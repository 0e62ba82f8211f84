"""Idempotent POSTs: the first answer to an `Idempotency-Key` is stored and replayed.

The key row is claimed (INSERT ... ON CONFLICT DO NOTHING) before the work, inside the
work's transaction. A concurrent request with the same key waits on the unique index until
the first commits, then finds the stored answer; if the first fails, its row rolls back with
it and the key is free again. Only successful answers are stored, so a client may fix a
refused request and send it again under the same key. The whole exchange runs in
`run_atomic`, so a deadlock or a lost race is retried, never a 500.
"""

import hashlib
import json
from collections.abc import Callable

from django.db import connection, transaction
from django.utils import timezone
from rest_framework.response import Response

from .errors import CoreErrorCode, DomainError
from .models import IdempotencyRecord
from .transactions import run_atomic

HEADER = "Idempotency-Key"
REPLAY_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
#: Response headers a replay gives back as the first answer had them.
REPLAYED_HEADERS = ("Location",)


def request_fingerprint(method: str, path: str, body) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()


def scope_path(request) -> str:
    """The request's path as one scope for every spelling of it: resource numbers and codes
    are looked up case-insensitively (`/orders/oms-x/` is `/orders/OMS-X/`), and a missing
    trailing slash names the same resource."""
    return request.path.rstrip("/").upper() + "/"


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
    headers = {**(record.response_headers or {}), REPLAY_HEADER: "true"}
    return Response(record.response_body, status=record.response_status, headers=headers)


def idempotent(request, handler: Callable[[], Response]) -> Response:
    """Run `handler` atomically (retried on deadlocks), at most once per (principal, key)."""
    key = request.headers.get(HEADER)
    if key is None:
        return run_atomic(lambda: _run(handler))
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise DomainError(
            CoreErrorCode.IDEMPOTENCY_KEY_INVALID,
            f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} printable characters.",
            details={"header": HEADER},
        )
    path = scope_path(request)
    scope = f"{principal_scope(request.user)} {path}"
    fingerprint = request_fingerprint(request.method, path, request.data)
    return run_atomic(lambda: _once(scope, key, fingerprint, handler))


def _claim(scope: str, key: str, fingerprint: str) -> int | None:
    """Insert the key row; its id, or None when the key was already used (and committed)."""
    quote = connection.ops.quote_name
    table = quote(IdempotencyRecord._meta.db_table)
    columns = ", ".join(
        quote(name) for name in ("scope", "key", "fingerprint", "created_at", "response_headers")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, '{{}}') "  # noqa: S608
            f"ON CONFLICT ({quote('scope')}, {quote('key')}) DO NOTHING RETURNING {quote('id')}",
            [scope, key, fingerprint, timezone.now()],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _once(scope: str, key: str, fingerprint: str, handler: Callable[[], Response]) -> Response:
    record_id = _claim(scope, key, fingerprint)
    if record_id is None:
        return _replay(IdempotencyRecord.objects.get(scope=scope, key=key), fingerprint)
    response = _run(handler)
    if 200 <= response.status_code < 300:
        IdempotencyRecord.objects.filter(pk=record_id).update(
            response_status=response.status_code,
            response_body=response.data,
            response_headers={name: response[name] for name in REPLAYED_HEADERS if response.has_header(name)},
        )
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
