"""Reads of channel connections."""

from oms.integrations.common.base import AdapterConfig

from .models import ChannelConnection


def connection_of(channel) -> ChannelConnection | None:
    return ChannelConnection.objects.filter(channel=channel).first()


def adapter_config(channel) -> AdapterConfig:
    connection = connection_of(channel)
    if connection is None:
        return AdapterConfig()
    return AdapterConfig(
        sku_map={str(k): str(v) for k, v in (connection.sku_map or {}).items()},
        location_map={str(k): str(v) for k, v in (connection.location_map or {}).items()},
        own_fulfillment_services=frozenset(connection.own_fulfillment_services or ["manual"]),
        mapping=connection.field_mapping or {},
    )
