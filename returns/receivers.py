"""Where returns plugs into the earlier apps. Connected once from ReturnsConfig.ready()."""

from orders.selectors import register_order_finder

from .selectors import orders_by_rma_number
from .services.common import NUMBER_ALPHABET, NUMBER_LENGTH, NUMBER_PREFIX

# Customer-service search: an RMA number finds its order.
register_order_finder(
    "rma", orders_by_rma_number, pattern=rf"^{NUMBER_PREFIX}[{NUMBER_ALPHABET}]{{{NUMBER_LENGTH}}}$"
)
