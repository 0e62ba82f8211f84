"""Reading channel values (money, times, text, booleans, ids) and verifying webhook signatures
against the known vectors in the fixtures (signature_vectors.json per channel)."""

import json
from decimal import Decimal

import pytest

from oms.integrations.common import parse
from oms.integrations.common.signatures import matches_any, standard_webhooks_valid
from tests.integrations.channels import doc


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("74.46", "74.46"),
        ("9.0", "9.00"),
        ("10.8000", "10.8000"),
        ("6.8125", "6.8125"),
        (19.8, "19.80"),
        (Decimal("22.05"), "22.05"),
        (3, "3.00"),
        ("0", "0.00"),
        ("-21.48", "-21.48"),
        ("1.6", "1.60"),
    ],
)
def test_money_as_strings_or_numbers_keeps_its_digits(value, expected):
    assert parse.money(value) == expected


@pytest.mark.parametrize("value", ["abc", "NaN", "Infinity", True])
def test_what_is_not_an_amount_is_refused(value):
    with pytest.raises(ValueError):
        parse.money(value)


def test_json_numbers_are_loaded_exactly():
    assert parse.load_json('{"a": 0.1, "id": 9007199254740993}') == {
        "a": Decimal("0.1"),
        "id": 9007199254740993,
    }


@pytest.mark.parametrize(
    ("value", "kwargs", "expected"),
    [
        ("2025-03-14T09:26:53-07:00", {}, "2025-03-14T09:26:53-07:00"),
        ("2025-03-14T16:26:53Z", {}, "2025-03-14T16:26:53+00:00"),
        ("2025-03-14T17:05:40.112Z", {}, "2025-03-14T17:05:40.112000+00:00"),
        ("Fri, 14 Mar 2025 16:26:53 +0000", {}, "2025-03-14T16:26:53+00:00"),
        ("2025-03-14T16:26:53", {"naive_is_utc": True}, "2025-03-14T16:26:53+00:00"),
        ("1.569521782042E9", {}, "2019-09-26T18:16:22.042000+00:00"),
        ("", {}, None),
    ],
)
def test_times_in_every_channel_format(value, kwargs, expected):
    assert parse.timestamp(value, **kwargs) == expected


def test_a_naive_time_is_refused_unless_the_channel_says_it_is_utc():
    with pytest.raises(ValueError, match="offset"):
        parse.timestamp("2025-03-14T12:26:53")  # WooCommerce's site-local twin


def test_text_entities_booleans_and_ids():
    assert parse.text("Woo Album #2 &times; 1") == "Woo Album #2 \u00d7 1"
    assert [parse.flag(v) for v in (True, "true", "false", "", None, "yes")] == [
        True,
        True,
        False,
        False,
        False,
        True,
    ]
    with pytest.raises(ValueError):
        parse.flag("maybe")
    assert parse.identifier("04637219385517") == "04637219385517"
    assert parse.identifier(9007199254740993) == "9007199254740993"


@pytest.mark.parametrize("channel", ["shopify", "woocommerce"])
def test_the_hmac_vectors(channel):
    for vector in doc(channel, "signature_vectors.json")["vectors"]:
        if "body_file" in vector:
            name, _, key = vector["body_file"].partition("#")
            body = doc(channel, name)[key]
        else:
            body = vector["body"]
        secret = vector["secret"]
        if channel == "woocommerce":
            secret = parse.text(secret)  # WooCommerce signs with the decoded secret
        assert matches_any(vector["expected"], body.encode(), [secret]) is vector["valid"], vector["name"]


def test_the_standard_webhooks_vectors():
    vectors = doc("bigcommerce", "signature_vectors.json")["vectors"]
    for vector in vectors:
        if "body_file" in vector:
            name, _, key = vector["body_file"].partition("#")
            body = doc("bigcommerce", name)[key]
        else:
            body = vector["body"]
        secret = vector.get("secret") or vector["client_secret"]
        assert standard_webhooks_valid(
            webhook_id=vector["webhook_id"],
            timestamp=vector["timestamp"],
            signatures=f"v1,bogus {vector['expected']}",
            body=body.encode(),
            secrets=[secret],
            now=int(vector["timestamp"]) + 10,
        ), vector["name"]
        assert not standard_webhooks_valid(
            webhook_id=vector["webhook_id"],
            timestamp=vector["timestamp"],
            signatures=vector["expected"],
            body=body.encode() + b" ",
            secrets=[secret],
            now=int(vector["timestamp"]) + 10,
        )


def test_a_re_serialised_body_does_not_verify():
    delivery = doc("shopify", "webhook_orders_create.json")
    reencoded = json.dumps(json.loads(delivery["body"]))
    secret = delivery["secret"]
    assert matches_any(delivery["headers"]["X-Shopify-Hmac-Sha256"], delivery["body"].encode(), [secret])
    assert not matches_any(delivery["headers"]["X-Shopify-Hmac-Sha256"], reencoded.encode(), [secret])
