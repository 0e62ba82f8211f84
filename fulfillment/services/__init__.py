"""Every write fulfillment allows. Callers use `from fulfillment import services`."""

from .after_packing import fulfillment_confirm_changes
from .batches import pick_batch_close_if_done, pick_batch_create, pick_batch_scan
from .changes import (
    backordered_order_ids,
    backorders_reallocate,
    fulfillment_cancel_quantities,
    fulfillment_order_edited,
    fulfillment_reject,
    fulfillment_reroute,
)
from .picking import PickResult, fulfillment_scan_pick, fulfillment_short_pick
from .pickups import fulfillment_prepare_pickup, fulfillment_return_uncollected_pickups, fulfillment_ship_all
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
    "PickResult",
    "backordered_order_ids",
    "backorders_reallocate",
    "fulfillment_cancel_quantities",
    "fulfillment_collect",
    "fulfillment_confirm_changes",
    "fulfillment_confirm_pick",
    "fulfillment_mark_delivered",
    "fulfillment_order_edited",
    "fulfillment_pack",
    "fulfillment_prepare_pickup",
    "fulfillment_ready_for_pickup",
    "fulfillment_reject",
    "fulfillment_request_sourcing",
    "fulfillment_reroute",
    "fulfillment_return_uncollected_pickups",
    "fulfillment_scan_pick",
    "fulfillment_send_to_vendor",
    "fulfillment_ship",
    "fulfillment_ship_all",
    "fulfillment_short_pick",
    "fulfillment_source_order",
    "fulfillment_source_requested",
    "fulfillment_start_picking",
    "location_lists_problem",
    "pick_batch_close_if_done",
    "pick_batch_create",
    "pick_batch_scan",
    "routing_rule_delete",
    "routing_rule_save",
]
