import pytest

pytestmark = pytest.mark.django_db


def test_orders_api_is_documented_with_examples_and_problems(client, cs_user):
    client.force_login(cs_user)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/orders/",
        "/api/v1/orders/{number}/",
        "/api/v1/orders/{number}/hold/",
        "/api/v1/orders/{number}/holds/{hold_id}/release/",
        "/api/v1/orders/{number}/cancel/",
        "/api/v1/orders/{number}/cancel-lines/",
        "/api/v1/orders/{number}/edit-address/",
        "/api/v1/orders/{number}/edit-lines/",
        "/api/v1/orders/{number}/notes/",
        "/api/v1/orders/{number}/payment/",
        "/api/v1/orders/{number}/anonymize/",
    ):
        assert path in paths, path
    intake = paths["/api/v1/orders/"]["post"]
    assert {"201", "200", "400", "422"} <= set(intake["responses"])
    assert "Idempotency-Key" in [parameter["name"] for parameter in intake["parameters"]]
    examples = intake["requestBody"]["content"]["application/json"]["examples"]
    assert any(example["value"]["lines"] for example in examples.values())
    search = [parameter["name"] for parameter in paths["/api/v1/orders/"]["get"]["parameters"]]
    assert {"q", "status", "channel", "hold", "placed_from", "placed_to", "cursor"} <= set(search)
