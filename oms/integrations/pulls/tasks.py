"""Pull tasks: thin, load by id, call the pull service."""

from celery import shared_task


def after_webhook(document) -> None:
    """A webhook that only names an order (BigCommerce) leads to fetching the order."""
    return None


@shared_task(name="pulls.pull_channel")
def pull_channel(channel_id: int) -> int:
    from .services import pull_channel_orders

    return pull_channel_orders(channel_id=channel_id)
