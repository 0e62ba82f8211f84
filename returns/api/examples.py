"""OpenAPI request examples for the returns API."""

from drf_spectacular.utils import OpenApiExample

CREATE = [
    OpenApiExample(
        "Two shirts of line 1, wrong size",
        request_only=True,
        value={
            "order": "OMS-7KX2M9QP",
            "lines": [
                {"line_number": 1, "quantity": 2, "reason_code": "size_or_fit", "comment": "Too small"}
            ],
            "carrier": "UPS",
            "tracking_number": "1Z999AA10123456784",
        },
    )
]

AUTHORIZE = [
    OpenApiExample(
        "Send it to the east warehouse",
        request_only=True,
        value={"receiving_location": "wh-east", "notes": ""},
    )
]

RECEIVE = [
    OpenApiExample(
        "One unit damaged (scrapped), one new (restocked)",
        request_only=True,
        value={
            "location": "wh-east",
            "lines": [
                {"return_line": 12, "quantity": 1, "condition": "damaged", "disposition": "scrap"},
                {"return_line": 12, "quantity": 1, "condition": "new", "disposition": "restock"},
            ],
        },
    )
]

REFUND = [
    OpenApiExample(
        "Everything received, with shipping, less a restocking fee",
        request_only=True,
        value={"include_shipping": True, "restocking_fee": "5.00"},
    ),
    OpenApiExample(
        "One unit of one line", request_only=True, value={"lines": [{"return_line": 12, "quantity": 1}]}
    ),
]

EXCHANGE = [
    OpenApiExample(
        "The same shirt one size up",
        request_only=True,
        value={"lines": [{"sku": "SHIRT-L", "quantity": 1, "unit_price": "20.00"}]},
    )
]
