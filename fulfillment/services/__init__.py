"""Every write fulfillment allows. Callers use `from fulfillment import services`."""

from .changes import (
    backordered_order_ids,
    backorders_reallocate,
    fulfillment_cancel_quantities,
    fulfillment_order_edited,
    fulfillment_reject,
    fulfillment_reroute,
)
from .requests import fulfillment_request_sourcing, fulfillment_source_requested
from .rules import location_lists_problem, routing_rule_delete, routing_rule_save
from .sourcing import fulfillment_source_order
from .steps import (
    fulfillment_collect,
    fulfillment_confirm_pick,
    fulfillment_mark_delivered,
    fulfillment_pack,
    fulfillment_ready_for_pickup,
    fulfillment_send_to_vendor,
    fulfillment_ship,
    fulfillment_start_picking,
)

__all__ = [
    "backordered_order_ids",
    "backorders_reallocate",
    "fulfillment_cancel_quantities",
    "fulfillment_collect",
    "fulfillment_confirm_pick",
    "fulfillment_mark_delivered",
    "fulfillment_order_edited",
    "fulfillment_pack",
    "fulfillment_ready_for_pickup",
    "fulfillment_reject",
    "fulfillment_request_sourcing",
    "fulfillment_reroute",
    "fulfillment_send_to_vendor",
    "fulfillment_ship",
    "fulfillment_source_order",
    "fulfillment_source_requested",
    "fulfillment_start_picking",
    "location_lists_problem",
    "routing_rule_delete",
    "routing_rule_save",
]
