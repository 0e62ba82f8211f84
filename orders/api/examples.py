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

#: Shaped after a Shopify order: ids past 2^53 as strings, tax lines per line and per shipping
#: line, a discount code allocated to a line, line properties, a customer note, note attributes.
SHOPIFY_STYLE_ORDER = {
    "channel": "web",
    "external_id": "820982911946154508",
    "placed_at": "2026-03-02T13:53:06-05:00",
    "updated_at": "2026-03-02T13:53:06-05:00",
    "currency": "USD",
    "channel_status": "paid / unfulfilled",
    "customer": {"email": "bob.norman@example.com", "name": "Bob Norman", "phone": "+1 555 555 5555"},
    "customer_note": "Please gift wrap.",
    "shipping_address": {
        "name": "Bob Norman",
        "company": "Acme Inc.",
        "line1": "123 Amoebobacterinstraat",
        "city": "Louisville",
        "region": "KY",
        "postal_code": "40202",
        "country_code": "US",
        "phone": "555-625-1199",
    },
    "lines": [
        {
            "channel_line_id": "866550311766439020",
            "sku": "TSHIRT-BLK-M",
            "channel_product_id": "632910392",
            "channel_variant_id": "808950810",
            "quantity": 2,
            "unit_price": "19.99",
            "discount": "4.00",
            "tax_lines": [{"title": "KY State Tax", "rate": "0.06", "amount": "2.16"}],
            "properties": [{"name": "Engraving", "value": "Happy birthday"}],
        }
    ],
    "shipping_lines": [
        {
            "channel_line_id": "369256396",
            "code": "Free Shipping",
            "title": "Standard",
            "price": "5.00",
            "discount": "5.00",
            "tax_lines": [],
        }
    ],
    "discount_codes": [{"code": "TENOFF", "type": "fixed_amount", "amount": "4.00"}],
    "attributes": [{"name": "gift", "value": "yes"}],
    "totals": {"subtotal": "39.98", "discount": "9.00", "tax": "2.16", "shipping": "5.00", "total": "38.14"},
    "payment_status": "paid",
}

#: Shaped after Amazon SP-API getOrder + getOrderItems of an FBA order (FulfillmentChannel AFN):
#: the channel ships it (never sourced or reserved here); ItemPrice is the line's total, which
#: its quantity does not divide; shipping and its tax per item become a shipping line.
AMAZON_FBA_ORDER = {
    "channel": "web",
    "external_id": "902-3159896-1390916",
    "placed_at": "2026-03-01T22:11:03Z",
    "updated_at": "2026-03-02T08:40:00Z",
    "currency": "USD",
    "channel_status": "Shipped",
    "fulfilled_by_channel": True,
    "customer": {"email": "buyer@marketplace.amazon.com", "name": "Ann Buyer"},
    "shipping_address": {"city": "Seattle", "region": "WA", "postal_code": "98109", "country_code": "US"},
    "lines": [
        {
            "channel_line_id": "68828574383266",
            "sku": "CAP-RED",
            "channel_product_id": "B00551Q3CS",
            "quantity": 3,
            "subtotal": "25.00",
            "tax": "2.06",
            "quantity_shipped": 3,
            "currency": "USD",
        }
    ],
    "shipping_lines": [{"code": "Standard", "price": "4.99", "tax": "0.41", "currency": "USD"}],
    "totals": {"total": "32.46"},
    "payment_status": "paid",
}

#: Shaped after a BigCommerce V2 order: 4-decimal money, a bundle (the parent carries the
#: price, its children are picked), a handling fee, tax on shipping.
BIGCOMMERCE_STYLE_ORDER = {
    "channel": "web",
    "external_id": "118",
    "placed_at": "2026-03-02T16:04:38+00:00",
    "currency": "USD",
    "channel_status": "Awaiting Fulfillment",
    "customer": {"email": "jane@example.com", "name": "Jane Doe", "phone": "5128675309"},
    "shipping_address": {
        "name": "Jane Doe",
        "company": "Example LLC",
        "line1": "123 Example St",
        "city": "Austin",
        "region": "TX",
        "postal_code": "78701",
        "country_code": "US",
    },
    "lines": [
        {
            "channel_line_id": "201",
            "sku": "GIFT-SET",
            "quantity": 1,
            "unit_price": "40.0000",
            "tax": "3.3000",
        },
        {
            "channel_line_id": "202",
            "sku": "TSHIRT-BLK-M",
            "quantity": 1,
            "unit_price": "0.0000",
            "bundle_parent": "201",
        },
        {
            "channel_line_id": "203",
            "sku": "CAP-RED",
            "quantity": 1,
            "unit_price": "0.0000",
            "bundle_parent": "201",
        },
    ],
    "shipping_lines": [{"title": "Flat Rate", "price": "10.0000", "tax": "0.8250"}],
    "fees": [{"kind": "handling", "title": "Handling", "amount": "2.5000"}],
    "totals": {"subtotal": "40.0000", "tax": "4.1250", "total": "56.6250"},
    "payment_status": "paid",
}

#: A WooCommerce order sent again: a line cancelled before it shipped, a refund recorded against
#: the channel's line id, tax included in prices and stated on the order only.
WOOCOMMERCE_UPDATE = {
    "channel": "web",
    "external_id": "727",
    "placed_at": "2026-03-02T10:00:00+01:00",
    "updated_at": "2026-03-03T09:30:00+01:00",
    "currency": "EUR",
    "channel_status": "processing",
    "taxes_included": True,
    "customer": {"email": "anna@example.de", "name": "Anna Schmidt"},
    "shipping_address": {
        "line1": "Hauptstr. 1",
        "city": "Berlin",
        "postal_code": "10115",
        "country_code": "DE",
    },
    "lines": [
        {"channel_line_id": "315", "sku": "TSHIRT-BLK-M", "quantity": 2, "unit_price": "23.80"},
        {
            "channel_line_id": "316",
            "sku": "CAP-RED",
            "quantity": 1,
            "unit_price": "11.90",
            "quantity_cancelled": 1,
        },
    ],
    "shipping_lines": [
        {"channel_line_id": "317", "code": "flat_rate", "title": "Flat rate", "price": "5.95"}
    ],
    "tax_lines": [{"title": "MwSt. 19%", "rate": "0.19", "amount": "10.45"}],
    "totals": {"total": "65.45"},
    "payment_status": "partially_refunded",
    "refunds": [
        {
            "channel_refund_id": "730",
            "refunded_at": "2026-03-03T09:29:00+01:00",
            "amount": "11.90",
            "note": "Out of stock",
            "lines": [{"channel_line_id": "316", "quantity": 1, "amount": "11.90"}],
        }
    ],
}

INTAKE_EXAMPLES = [
    OpenApiExample("Ship to an address", value=WEB_ORDER, request_only=True),
    OpenApiExample(
        "Pickup in store (totals: only the total; the rest is computed)",
        value=PICKUP_ORDER,
        request_only=True,
    ),
    OpenApiExample(
        "Shipping lines, tax lines, discount codes, line properties (Shopify-shaped)",
        value=SHOPIFY_STYLE_ORDER,
        request_only=True,
    ),
    OpenApiExample(
        "Fulfilled by the channel, line totals, shipped units (Amazon FBA-shaped)",
        value=AMAZON_FBA_ORDER,
        request_only=True,
    ),
    OpenApiExample(
        "4-decimal money, a bundle, a handling fee (BigCommerce-shaped)",
        value=BIGCOMMERCE_STYLE_ORDER,
        request_only=True,
    ),
    OpenApiExample(
        "An update: a cancelled line, a refund, tax included (WooCommerce-shaped)",
        value=WOOCOMMERCE_UPDATE,
        request_only=True,
    ),
]
