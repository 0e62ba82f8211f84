from django.urls import NoReverseMatch, reverse
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from oms.core.roles import ALL_ROLES

#: The collections listed at /api/v1/, by URL name; a name not installed is left out.
API_ROOT_LINKS = {
    "skus": "api:sku-list",
    "locations": "api:location-list",
    "stock_levels": "api:stocklevel-list",
    "stock_movements": "api:stockmovement-list",
    "stock_transfers": "api:transfer-list",
    "availability": "api:availability",
    "channels": "api:channel-list",
    "orders": "api:order-list",
    "fulfillment_orders": "api:fulfillmentorder-list",
    "shipments": "api:shipment-list",
    "returns": "api:return-list",
    "webhook_endpoints": "api:webhook-endpoint-list",
}


class ApiRootView(APIView):
    """The entry point: links to every collection the API serves."""

    read_roles = ALL_ROLES

    @extend_schema(exclude=True)
    def get(self, request):
        links = {}
        for name, url_name in API_ROOT_LINKS.items():
            try:
                links[name] = request.build_absolute_uri(reverse(url_name))
            except NoReverseMatch:
                continue
        return Response(
            {
                "links": links,
                "schema": request.build_absolute_uri(reverse("api-schema")),
                "docs": request.build_absolute_uri(reverse("api-docs")),
            }
        )
