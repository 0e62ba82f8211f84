"""The OpenAPI schema tells the truth about what the API answers (what schemathesis checks by
sampling, checked here exactly for the cases of issue 13)."""

import pytest

pytestmark = pytest.mark.django_db

FO_ACTIONS_WITH_BODY = {
    "ship": "ShipRequest",
    "reroute": "RerouteRequest",
    "reject": "FulfillmentReasonRequest",
    "collect": "CollectRequest",
    "confirm-pick": "ConfirmPickRequest",
}
FO_ACTIONS = [
    *FO_ACTIONS_WITH_BODY,
    "start-picking",
    "pack",
    "confirm-change",
    "deliver",
    "ready-for-pickup",
    "send-to-vendor",
]


@pytest.fixture
def schema(client, cs_user):
    client.force_login(cs_user)
    return client.get("/api/schema/", HTTP_ACCEPT="application/json").json()


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "responses" in operation:
                yield f"{method.upper()} {path}", operation


def test_every_error_response_is_problem_details(schema):
    for label, operation in operations(schema):
        errors = {code: response for code, response in operation["responses"].items() if int(code) >= 400}
        assert {"401", "403"} <= set(errors), label
        for code, response in errors.items():
            assert list(response["content"]) == ["application/problem+json"], (label, code)


@pytest.mark.parametrize("name", FO_ACTIONS)
def test_each_fulfillment_order_action_documents_its_body_and_statuses(schema, name):
    operation = schema["paths"][f"/api/v1/fulfillment-orders/{{id}}/{name}/"]["post"]
    assert {"200", "400", "401", "403", "404", "409", "422"} <= set(operation["responses"])
    if name in FO_ACTIONS_WITH_BODY:
        body = operation["requestBody"]
        assert bool(body.get("required")) is (name != "confirm-pick"), "ship, reroute, reject, collect: one"
        assert body["content"]["application/json"]["schema"]["$ref"].endswith(FO_ACTIONS_WITH_BODY[name])
    assert "Idempotency-Key" in [parameter["name"] for parameter in operation["parameters"]]


def test_availability_is_documented_as_the_paginated_rows_it_serves(schema):
    ok = schema["paths"]["/api/v1/availability/"]["get"]["responses"]["200"]
    page = schema["components"]["schemas"][ok["content"]["application/json"]["schema"]["$ref"].split("/")[-1]]
    assert {"next", "previous", "results"} <= set(page["properties"])
    row = schema["components"]["schemas"]["AvailabilityRow"]
    assert {ref["$ref"].split("/")[-1] for ref in row["anyOf"]} == {
        "SkuAvailability",
        "StockLevel",
        "ChannelAvailability",
    }


def test_a_blank_tracking_url_is_documented(schema):
    tracking = schema["components"]["schemas"]["Shipment"]["properties"]["tracking_url"]
    assert {"type": "string", "maxLength": 0} in tracking["oneOf"]


def test_lists_that_may_not_be_empty_say_so(schema):
    components = schema["components"]["schemas"]
    assert components["OrderIntakeRequest"]["properties"]["lines"]["minItems"] == 1
    assert components["OrderIntakeRequest"]["properties"]["lines"]["maxItems"] == 500
    assert components["CancelLinesRequestRequest"]["properties"]["lines"]["minItems"] == 1


def test_the_idempotency_key_limits_and_their_422_are_documented(schema):
    for label, operation in operations(schema):
        keys = [
            parameter
            for parameter in operation.get("parameters", [])
            if parameter["name"] == "Idempotency-Key"
        ]
        if keys:
            assert keys[0]["schema"] == {"type": "string", "minLength": 1, "maxLength": 255}, label
            assert "422" in operation["responses"], label
    for path in ("/api/v1/skus/", "/api/v1/locations/"):
        assert "Idempotency-Key" in [p["name"] for p in schema["paths"][path]["post"]["parameters"]]


def test_page_size_limits_and_the_bad_cursor_404_are_documented(schema):
    listing = schema["paths"]["/api/v1/skus/"]["get"]
    page_size = next(p for p in listing["parameters"] if p["name"] == "page_size")
    assert page_size["schema"]["minimum"] == 1
    assert page_size["schema"]["maximum"] == 1000
    assert "404" in listing["responses"]


def test_bodies_document_413(schema):
    assert "413" in schema["paths"]["/api/v1/orders/"]["post"]["responses"]
