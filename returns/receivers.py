"""Where returns plugs into the earlier apps. Connected once from ReturnsConfig.ready()."""

from django.dispatch import receiver

from orders.selectors import register_order_finder
from orders.signals import order_anonymized

from .selectors import orders_by_rma_number
from .services.common import NUMBER_ALPHABET, NUMBER_LENGTH, NUMBER_PREFIX

# Customer-service search: an RMA number finds its order.
register_order_finder(
    "rma", orders_by_rma_number, pattern=rf"^{NUMBER_PREFIX}[{NUMBER_ALPHABET}]{{{NUMBER_LENGTH}}}$"
)


@receiver(order_anonymized, dispatch_uid="returns-scrub-anonymized-order")
def scrub_returns_of_anonymized_order(sender, order, scrub, **kwargs):
    """Anonymization reaches the returns' free text: the customer's comments are erased, staff's
    notes and reasons lose the customer's personal data (inside the order's transaction)."""
    from .models import ReturnAuthorization, ReturnLine

    rmas = list(ReturnAuthorization.objects.filter(order=order).order_by("pk"))
    for rma in rmas:
        rma.notes, rma.reject_reason = scrub(rma.notes), scrub(rma.reject_reason)
    ReturnAuthorization.objects.bulk_update(rmas, ["notes", "reject_reason"])
    ReturnLine.objects.filter(rma__order=order).exclude(customer_comment="").update(customer_comment="")
