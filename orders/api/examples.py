"""OpenAPI examples for the orders API."""

from drf_spectacular.utils import OpenApiExample

WEB_ORDER = {
    "channel": "web",
    "external_id": "W-100234",
    "placed_at": "2026-03-02T14:05:00Z",
    "currency": "USD",
    "customer": {"email": "jane.doe@example.com", "name": "Jane Doe", "phone": "+1 212 555 0101"},
    "shipping_address": {
        "name": "Jane Doe",
        "line1": "350 5th Ave",
        "city": "New York",
        "region": "NY",
        "postal_code": "10118",
        "country_code": "US",
        "latitude": "40.748400",
        "longitude": "-73.985700",
    },
    "delivery": {"method": "ship"},
    "lines": [
        {"sku": "TSHIRT-BLK-M", "quantity": 2, "unit_price": "19.99", "discount": "2.00", "tax": "3.04"},
        {"sku": "CAP-RED", "quantity": 1, "unit_price": "12.50", "tax": "1.00"},
    ],
    "shipping_price": "4.95",
    "totals": {"subtotal": "52.48", "discount": "2.00", "tax": "4.04", "total": "59.47"},
    "payment_status": "authorized",
}

PICKUP_ORDER = {
    **WEB_ORDER,
    "external_id": "W-100235",
    "delivery": {"method": "pickup", "pickup_location": "store-nyc"},
    "shipping_address": {},
    "shipping_price": "0.00",
    "totals": {"total": "54.52"},
}

INTAKE_EXAMPLES = [
    OpenApiExample("Ship to an address", value=WEB_ORDER, request_only=True),
    OpenApiExample(
        "Pickup in store (totals: only the total; the rest is computed)",
        value=PICKUP_ORDER,
        request_only=True,
    ),
]
