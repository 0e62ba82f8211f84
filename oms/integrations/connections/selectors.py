"""Reads of channel connections, and the channel's SKU mapping as its adapter reads it."""

from collections.abc import Iterator, Mapping

from django.db.models import Q

from oms.integrations.common.base import AdapterConfig

from .models import ChannelConnection


def connection_of(channel) -> ChannelConnection | None:
    return ChannelConnection.objects.filter(channel=channel).first()


class ListingSkuMap(Mapping):
    """The channel's SKU, variant or product id -> our SKU code, read from the channel's listings
    (feeds.ChannelListing: `channel_sku` or `external_id`), one indexed query per key asked and
    remembered: a channel with 100,000 listings is not loaded for a 2-line order."""

    def __init__(self, channel_id: int) -> None:
        self.channel_id = channel_id
        self._known: dict[str, str | None] = {}

    def _lookup(self, key: str) -> str | None:
        if key not in self._known:
            from oms.integrations.feeds.models import ChannelListing

            self._known[key] = (
                ChannelListing.objects.filter(channel_id=self.channel_id)
                .filter(Q(channel_sku=key) | Q(external_id=key))
                .order_by("-channel_sku")  # a channel SKU wins over an id that happens to match
                .values_list("sku__code", flat=True)
                .first()
            )
        return self._known[key]

    def __getitem__(self, key: str) -> str:
        found = self._lookup(str(key)) if key not in (None, "") else None
        if found is None:
            raise KeyError(key)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(key for key, code in self._known.items() if code is not None)

    def __len__(self) -> int:
        return sum(1 for code in self._known.values() if code is not None)


def adapter_config(channel) -> AdapterConfig:
    connection = connection_of(channel)
    if connection is None:
        return AdapterConfig(sku_map=ListingSkuMap(channel.pk))
    return AdapterConfig(
        sku_map=ListingSkuMap(channel.pk),
        location_map={str(k): str(v) for k, v in (connection.location_map or {}).items()},
        own_fulfillment_services=frozenset(connection.own_fulfillment_services or ["manual"]),
        mapping=connection.field_mapping or {},
    )
