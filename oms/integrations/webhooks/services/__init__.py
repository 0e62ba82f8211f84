"""Webhook services: endpoints, dispatch of the outbox, delivery, redelivery."""

from .delivery import backoff, delivery_chain_run, due_chains
from .dispatch import outbox_dispatch, outbox_purge, wake_chains
from .endpoints import (
    endpoint_create,
    endpoint_delete,
    endpoint_disable,
    endpoint_rotate_secret,
    endpoint_update,
    secret_check,
    secret_generate,
    signing_secrets,
)
from .redelivery import deliveries_redeliver, delivery_redeliver, endpoint_redeliver_range

__all__ = [
    "backoff",
    "deliveries_redeliver",
    "delivery_chain_run",
    "delivery_redeliver",
    "due_chains",
    "endpoint_create",
    "endpoint_delete",
    "endpoint_disable",
    "endpoint_redeliver_range",
    "endpoint_rotate_secret",
    "endpoint_update",
    "outbox_dispatch",
    "outbox_purge",
    "secret_check",
    "secret_generate",
    "signing_secrets",
    "wake_chains",
]
