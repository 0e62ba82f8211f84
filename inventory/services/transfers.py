"""Transfers between locations: dispatched at the source, received at the destination.

Nothing appears at a location that nobody there received: dispatch writes the transfer_out
movement at the source and leaves the units in transit; the destination's staff receive what
arrived (a transfer_in movement, then `stock_received`, so that backorders waiting there are
filled). Units that never arrived stay out of every location's on hand, with a note saying
why. A transfer still in transit can be cancelled at the source, which takes the units back.
"""

import secrets

from django.db import IntegrityError

from oms.core.actor import Actor
from oms.core.authz import require_transition_perm
from oms.core.transactions import retry_on_conflict, transactional

from ..errors import InsufficientStock, InventoryConflict, InventoryError, InventoryErrorCode
from ..models import Location, Sku, Transfer
from ..permissions import TRANSFER_DISPATCH
from .access import require_works_at
from .ledger import Kind, StockLine, _holder_fields, _movement, _require_positive, _save
from .locks import lock_levels, lock_transfer
from .stock import _signal_received

NUMBER_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
NUMBER_PREFIX = "TR-"


def _new_number() -> str:
    return NUMBER_PREFIX + "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(8))


def _insert(transfer: Transfer) -> None:
    transfer.number = _new_number()
    try:
        transfer.save(force_insert=True)
    except IntegrityError as exc:  # about 1 in 10^11: the number was taken; draw again
        retry_on_conflict(exc, ("number",), "the transfer number was taken")
        raise


def _set_actor(transfer: Transfer, prefix: str, actor: Actor) -> None:
    for field, value in actor.as_fields(prefix).items():
        setattr(transfer, field, value)


def _require_in_transit(transfer: Transfer, verb: str) -> None:
    if transfer.state != Transfer.State.IN_TRANSIT:
        raise InventoryConflict(
            InventoryErrorCode.INVALID_TRANSITION,
            f"Transfer {transfer.number} is {transfer.get_state_display().lower()}; it cannot be {verb}.",
            details={"state": transfer.state},
        )


@transactional
def transfer_dispatch(
    *,
    sku: Sku,
    from_location: Location,
    to_location: Location,
    quantity: int,
    actor: Actor,
    reference: str = "",
) -> Transfer:
    """Send available (not reserved) units from `from_location` (where the actor works) to
    `to_location`: they leave the source now and arrive when the destination receives them."""
    TRANSFER_DISPATCH.require(actor)
    require_works_at(actor, from_location, doing="send stock from")
    _require_positive(quantity)
    if from_location.pk == to_location.pk:
        raise InventoryError(
            InventoryErrorCode.SAME_LOCATION,
            "A transfer needs two different locations.",
            details={"field": "to_location"},
        )
    if not to_location.active:
        raise InventoryError(
            InventoryErrorCode.LOCATION_INACTIVE,
            f"{to_location.code} is inactive; it cannot receive a transfer.",
            details={"field": "to_location"},
        )
    key = (sku.pk, from_location.pk)
    source = lock_levels(pairs=[key]).get(key)
    available = source.on_hand - source.reserved if source is not None else 0
    if available < quantity:
        raise InsufficientStock(
            [{"sku": sku.code, "location": from_location.code, "requested": quantity, "available": available}]
        )
    transfer = Transfer(
        sku=sku,
        from_location=from_location,
        to_location=to_location,
        quantity=quantity,
        reference=(reference or "").strip()[:100],
    )
    _set_actor(transfer, "dispatched_by", actor)
    _insert(transfer)
    _save(
        [
            _movement(
                source,
                Kind.TRANSFER_OUT,
                actor,
                on_hand_delta=-quantity,
                reason=f"in transit to {to_location.code}",
                reference=transfer.reference or transfer.number,
                **_holder_fields(transfer),
            )
        ]
    )
    return transfer


@transactional
def transfer_receive(
    *, transfer: Transfer, actor: Actor, quantity: int | None = None, note: str = ""
) -> Transfer:
    """The destination's staff receive what arrived (all of it unless `quantity` says less;
    fewer units need a note on what happened to the rest)."""
    transfer = Transfer.objects.get(pk=transfer.pk)  # SKU and locations never change: lock by them
    key = (transfer.sku_id, transfer.to_location_id)
    target = lock_levels(pairs=[key], create_missing=True)[key]
    transfer = lock_transfer(transfer)
    require_transition_perm(transfer.receive, actor)
    require_works_at(actor, transfer.to_location, doing="receive stock at")
    _require_in_transit(transfer, "received")
    quantity = transfer.quantity if quantity is None else quantity
    note = (note or "").strip()
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 0 <= quantity <= transfer.quantity:
        raise InventoryError(
            InventoryErrorCode.INVALID_QUANTITY,
            f"Received quantity must be between 0 and the {transfer.quantity} units sent.",
            details={"field": "quantity", "value": quantity},
        )
    if quantity < transfer.quantity and not note:
        raise InventoryError(
            InventoryErrorCode.REASON_REQUIRED,
            f"{transfer.quantity - quantity} of {transfer.quantity} units did not arrive: say what happened.",
            details={"field": "note"},
        )
    transfer.receive()
    transfer.quantity_received = quantity
    transfer.receipt_note = note
    _set_actor(transfer, "received_by", actor)
    transfer.save()
    if quantity:
        _save(
            [
                _movement(
                    target,
                    Kind.TRANSFER_IN,
                    actor,
                    on_hand_delta=quantity,
                    reason=f"received from {transfer.from_location.code}",
                    reference=transfer.reference or transfer.number,
                    **_holder_fields(transfer),
                )
            ]
        )
        _signal_received([StockLine(transfer.sku, transfer.to_location, quantity)])
    return transfer


@transactional
def transfer_cancel(*, transfer: Transfer, actor: Actor, reason: str) -> Transfer:
    """Call back a transfer still in transit: its units are on hand at the source again."""
    reason = (reason or "").strip()
    if not reason:
        raise InventoryError(
            InventoryErrorCode.REASON_REQUIRED,
            "Say why the transfer is cancelled.",
            details={"field": "reason"},
        )
    transfer = Transfer.objects.get(pk=transfer.pk)
    key = (transfer.sku_id, transfer.from_location_id)
    source = lock_levels(pairs=[key], create_missing=True)[key]
    transfer = lock_transfer(transfer)
    require_transition_perm(transfer.cancel, actor)
    require_works_at(actor, transfer.from_location, doing="cancel a transfer from")
    _require_in_transit(transfer, "cancelled")
    transfer.cancel()
    transfer.cancel_reason = reason
    transfer.save()
    _save(
        [
            _movement(
                source,
                Kind.TRANSFER_IN,
                actor,
                on_hand_delta=transfer.quantity,
                reason=f"transfer cancelled: {reason}",
                reference=transfer.reference or transfer.number,
                **_holder_fields(transfer),
            )
        ]
    )
    _signal_received([StockLine(transfer.sku, transfer.from_location, transfer.quantity)])
    return transfer
