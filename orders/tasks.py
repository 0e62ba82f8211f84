"""Scheduled work (Celery beat, see CELERY_BEAT_SCHEDULE); thin wrappers around services."""

from celery import shared_task

from .services import order_anonymize_expired, order_cancel_expired_unpaid


@shared_task(name="orders.cancel_expired_unpaid_orders")
def cancel_expired_unpaid_orders() -> int:
    """Cancel orders still unpaid past their channel's payment_due_hours; their stock is released."""
    return len(order_cancel_expired_unpaid())


@shared_task(name="orders.anonymize_expired_customer_data")
def anonymize_expired_customer_data() -> int:
    """Anonymize closed orders older than OMS_CUSTOMER_DATA_RETENTION_DAYS (if set)."""
    return len(order_anonymize_expired())
