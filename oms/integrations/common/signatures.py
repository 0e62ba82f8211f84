"""Webhook signatures: compare in constant time, over the raw bytes (never re-encoded JSON)."""

import base64
import hashlib
import hmac

#: Standard Webhooks (BigCommerce): a timestamp further than this from now is refused (replays).
TOLERANCE_SECONDS = 5 * 60


def hmac_sha256_b64(secret: str | bytes, body: bytes) -> str:
    key = secret.encode() if isinstance(secret, str) else secret
    return base64.b64encode(hmac.new(key, body, hashlib.sha256).digest()).decode()


def matches_any(signature: str, body: bytes, secrets: list[str]) -> bool:
    """base64 HMAC-SHA256 of the body with any of the secrets (the previous one during rotation)."""
    signature = (signature or "").strip()
    if not signature:
        return False
    return any(hmac.compare_digest(hmac_sha256_b64(secret, body), signature) for secret in secrets if secret)


def standard_webhooks_key(secret: str) -> bytes:
    """A "whsec_<base64>" secret is the base64 of the key; any other secret is the key itself."""
    if secret.startswith("whsec_"):
        return base64.b64decode(secret.removeprefix("whsec_"))
    return secret.encode()


def standard_webhooks_valid(
    *, webhook_id: str, timestamp: str, signatures: str, body: bytes, secrets: list[str], now: float
) -> bool:
    """Standard Webhooks: `v1,<base64 HMAC-SHA256(id.timestamp.body)>`, several space-separated."""
    if not (webhook_id and timestamp and signatures):
        return False
    try:
        sent_at = int(timestamp)
    except ValueError:
        return False
    if abs(now - sent_at) > TOLERANCE_SECONDS:
        return False
    content = f"{webhook_id}.{timestamp}.".encode() + body
    offered = [part.split(",", 1)[1] for part in signatures.split() if part.startswith("v1,")]
    for secret in secrets:
        if not secret:
            continue
        expected = hmac_sha256_b64(standard_webhooks_key(secret), content)
        if any(hmac.compare_digest(expected, candidate) for candidate in offered):
            return True
    return False
