"""Import a CSV file of channel orders: split by order, each order stored in the inbox (as an
import) and processed through the channel's adapter like any other document."""

from dataclasses import dataclass

from oms.core.actor import Actor
from oms.core.models import Channel
from oms.integrations.common.base import config_for
from oms.integrations.inbox import services as inbox
from oms.integrations.inbox.models import InboxDocument

from .adapter import split_orders


@dataclass
class ImportedOrder:
    external_id: str
    document: InboxDocument
    created: bool  # False: the same rows were imported before


def csv_import_orders(
    *, channel: Channel, text: str, actor: Actor, filename: str = ""
) -> list[ImportedOrder]:
    """Store one inbox document per order of the file (the same order's rows again create
    nothing); each is processed by its task. Raises ValueError for a file that cannot be read."""
    if channel.adapter_kind != "csv":
        raise ValueError(
            f"Channel {channel.code} does not take CSV files (its adapter is {channel.adapter_kind})."
        )
    imported = []
    for external_id, part in split_orders(text, config_for(channel).mapping):
        document, created = inbox.inbox_receive(
            channel=channel,
            source=InboxDocument.Source.IMPORT,
            body=part,
            headers={"X-Imported-By": str(actor), "X-Filename": filename[:200]},
            topic="csv",
            content_type="text/csv",
        )
        imported.append(ImportedOrder(external_id, document, created))
    return imported
