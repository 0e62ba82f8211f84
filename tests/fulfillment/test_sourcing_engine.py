"""The pure sourcing engine, table-driven: no database."""

import pytest

from fulfillment.sourcing import (
    FEWEST_SHIPMENTS,
    LOWEST_COST,
    NEAREST,
    PRIORITY,
    CandidateLocation,
    Destination,
    LineRequest,
    Rule,
    great_circle_km,
    match_rule,
    source,
)

# Philadelphia
DEST = Destination(
    country_code="US", region="PA", postal_code="19103", latitude=39.9526, longitude=-75.1652, channel_id=1
)
EAST = CandidateLocation(
    1, "wh-east", "warehouse", 40.7357, -74.1724, priority=20, cost_base=9, cost_per_km=0.002
)
WEST = CandidateLocation(
    2, "wh-west", "warehouse", 39.5296, -119.8138, priority=10, cost_base=2, cost_per_km=0.001
)
STORE = CandidateLocation(
    3, "store-nyc", "store", 40.7507, -73.9970, priority=50, cost_base=7, cost_per_km=0.005
)
VENDOR = CandidateLocation(4, "vendor-acme", "dropship", 41.8781, -87.6298, priority=90)
LOCATIONS = [EAST, WEST, STORE, VENDOR]

A = LineRequest(101, 1, 2, "line 1 (A)", frozenset({"apparel"}))
B = LineRequest(102, 2, 1, "line 2 (B)")
C = LineRequest(103, 3, 3, "line 3 (C)", frozenset({"fragile"}))
D = LineRequest(104, 4, 1, "line 4 (D)", dropship_vendor_id=4)


def rule(strategy, **kw):
    return Rule(id=1, name=f"r-{strategy}", strategy=strategy, **kw)


def plan_of(plan):
    return sorted((a.location_id, a.line_id, a.quantity) for a in plan.allocations)


def stock(**levels):
    """stock(east={1: 5}) -> {(sku, location): available}"""
    ids = {"east": 1, "west": 2, "store": 3, "vendor": 4}
    return {(sku, ids[name]): qty for name, skus in levels.items() for sku, qty in skus.items()}


@pytest.mark.parametrize(
    ("name", "strategy", "lines", "available", "expected", "backordered"),
    [
        (
            "single location fills everything beats a nearer split",
            NEAREST,
            [A, B],
            stock(west={1: 5, 2: 5}, east={1: 5}, store={2: 5}),
            [(2, 101, 2), (2, 102, 1)],
            {},
        ),
        (
            "nearest wins among full locations",
            NEAREST,
            [A, B],
            stock(west={1: 5, 2: 5}, east={1: 5, 2: 5}),
            [(1, 101, 2), (1, 102, 1)],
            {},
        ),
        (
            "priority wins among full locations",
            PRIORITY,
            [A, B],
            stock(west={1: 5, 2: 5}, east={1: 5, 2: 5}),
            [(2, 101, 2), (2, 102, 1)],
            {},
        ),
        (
            "fewest shipments ties by priority",
            FEWEST_SHIPMENTS,
            [A, B],
            stock(west={1: 5, 2: 5}, east={1: 5, 2: 5}),
            [(2, 101, 2), (2, 102, 1)],
            {},
        ),
        (
            "lowest cost: base + per km x distance",
            LOWEST_COST,
            [A],
            # east: 9 + 0.002*~125 = 9.25; west: 2 + 0.001*~3600 = 5.6; store: 7 + 0.005*~130 = 7.65
            stock(west={1: 5}, east={1: 5}, store={1: 5}),
            [(2, 101, 2)],
            {},
        ),
        (
            "fewest splits: two locations, not three",
            NEAREST,
            [A, B, C],
            # nearest-first would take three (east A, store B, west C); west takes B and C
            stock(east={1: 5}, store={2: 5}, west={2: 5, 3: 5}),
            [(1, 101, 2), (2, 102, 1), (2, 103, 3)],
            {},
        ),
        (
            "a line split across locations when none has enough",
            NEAREST,
            [C],
            stock(east={3: 2}, west={3: 1}),
            [(1, 103, 2), (2, 103, 1)],
            {},
        ),
        (
            "what nobody has is backordered",
            NEAREST,
            [A, C],
            stock(east={1: 5, 3: 1}),
            [(1, 101, 2), (1, 103, 1)],
            {103: 2},
        ),
        (
            "nothing anywhere: everything backordered",
            NEAREST,
            [A],
            {},
            [],
            {101: 2},
        ),
        (
            "drop-ship line goes to its vendor, the rest to a warehouse",
            NEAREST,
            [A, D],
            stock(east={1: 5, 4: 9}, vendor={4: 9}),
            [(1, 101, 2), (4, 104, 1)],
            {},
        ),
        (
            "drop-ship vendor without stock: backordered, never a warehouse",
            NEAREST,
            [D],
            stock(east={4: 9}),
            [],
            {104: 1},
        ),
        (
            "regular lines never go to a drop-ship vendor",
            NEAREST,
            [A],
            stock(vendor={1: 9}),
            [],
            {101: 2},
        ),
    ],
)
def test_strategies(name, strategy, lines, available, expected, backordered):
    plan = source(lines=lines, destination=DEST, locations=LOCATIONS, stock=available, rule=rule(strategy))
    assert plan_of(plan) == sorted(expected), name
    assert plan.backordered == backordered, name
    assert plan.explanation


def test_two_lines_of_one_sku_are_not_promised_the_same_units():
    twin = LineRequest(105, 1, 2, "line 5 (A again)")
    plan = source(
        lines=[A, twin],
        destination=DEST,
        locations=LOCATIONS,
        stock=stock(east={1: 3}, west={1: 5}),
        rule=rule(NEAREST),
    )
    assert plan_of(plan) == [(2, 101, 2), (2, 105, 2)]


def test_nearest_without_destination_coordinates_falls_back_to_priority():
    dest = Destination(country_code="US")
    plan = source(
        lines=[A],
        destination=dest,
        locations=LOCATIONS,
        stock=stock(east={1: 5}, west={1: 5}),
        rule=rule(NEAREST),
    )
    assert plan_of(plan) == [(2, 101, 2)]
    assert "priority 10" in plan.explanation


def test_location_code_breaks_the_last_tie():
    twin_a = CandidateLocation(7, "aa", latitude=1.0, longitude=1.0, priority=5)
    twin_b = CandidateLocation(8, "bb", latitude=1.0, longitude=1.0, priority=5)
    plan = source(
        lines=[A],
        destination=DEST,
        locations=[twin_b, twin_a],
        stock={(1, 7): 5, (1, 8): 5},
        rule=rule(NEAREST),
    )
    assert plan_of(plan) == [(7, 101, 2)]


def test_pickup_sources_from_the_chosen_store_only():
    dest = Destination(delivery_method="pickup", pickup_location_id=3, latitude=39.95, longitude=-75.16)
    plan = source(
        lines=[A, B], destination=dest, locations=LOCATIONS, stock=stock(east={1: 9, 2: 9}, store={1: 9})
    )
    assert plan_of(plan) == [(3, 101, 2)]
    assert plan.backordered == {102: 1}
    assert "store-nyc only" in plan.explanation


@pytest.mark.parametrize(
    ("name", "rule_kw", "allowed"),
    [
        ("include locations", {"include_location_ids": frozenset({2})}, {2}),
        ("exclude locations", {"exclude_location_ids": frozenset({1})}, {2, 3}),
        ("include kinds", {"include_kinds": frozenset({"store"})}, {3}),
        ("exclude kinds", {"exclude_kinds": frozenset({"store"})}, {1, 2}),
    ],
)
def test_rule_location_filters(name, rule_kw, allowed):
    everywhere = stock(east={1: 5}, west={1: 5}, store={1: 5})
    plan = source(
        lines=[A], destination=DEST, locations=LOCATIONS, stock=everywhere, rule=rule(NEAREST, **rule_kw)
    )
    assert {a.location_id for a in plan.allocations} <= allowed, name
    assert plan.allocations, name


def test_excluded_locations_are_skipped_and_explained():
    plan = source(
        lines=[A],
        destination=DEST,
        locations=LOCATIONS,
        stock=stock(east={1: 5}, west={1: 5}),
        rule=rule(NEAREST),
        exclude_location_ids=[1],
        exclude_reason="short-picked there",
    )
    assert plan_of(plan) == [(2, 101, 2)]
    assert "Not considered: wh-east (short-picked there)" in plan.explanation


def test_locations_serving_other_channels_are_skipped():
    other = CandidateLocation(1, "wh-east", latitude=40.7, longitude=-74.2, channel_ids=frozenset({99}))
    plan = source(lines=[A], destination=DEST, locations=[other, WEST], stock=stock(east={1: 5}, west={1: 5}))
    assert plan_of(plan) == [(2, 101, 2)]


def test_explanation_reads_like_a_sentence():
    plan = source(
        lines=[A, B],
        destination=DEST,
        locations=LOCATIONS,
        stock=stock(east={1: 5, 2: 5}),
        rule=rule(NEAREST),
    )
    assert "wh-east can ship all 2 lines (" in plan.explanation
    assert "km); chosen by rule 'r-nearest' (nearest)" in plan.explanation


@pytest.mark.parametrize(
    ("name", "rule_kw", "destination_kw", "matches"),
    [
        ("empty rule matches anything", {}, {}, True),
        ("channel match", {"channel_id": 1}, {}, True),
        ("channel mismatch", {"channel_id": 2}, {}, False),
        ("country match, any case", {"country_code": "us"}, {}, True),
        ("country mismatch", {"country_code": "CA"}, {}, False),
        ("region match", {"region": "PA"}, {}, True),
        ("region mismatch", {"region": "NY"}, {}, False),
        ("postal prefix match", {"postal_prefix": "191"}, {}, True),
        ("postal prefix mismatch", {"postal_prefix": "100"}, {}, False),
        ("sku tag on some line", {"sku_tag": "fragile"}, {}, True),
        ("sku tag on no line", {"sku_tag": "frozen"}, {}, False),
        ("delivery method match", {"delivery_method": "pickup"}, {"delivery_method": "pickup"}, True),
        ("delivery method mismatch", {"delivery_method": "pickup"}, {}, False),
        ("all conditions must hold", {"country_code": "US", "region": "NY"}, {}, False),
    ],
)
def test_rule_matching(name, rule_kw, destination_kw, matches):
    dest = Destination(**{**DEST.__dict__, **destination_kw})
    assert (match_rule([rule(NEAREST, **rule_kw)], [A, C], dest) is not None) is matches, name


def test_first_matching_rule_wins():
    rules = [
        Rule(1, "pickup", PRIORITY, delivery_method="pickup"),
        Rule(2, "fragile", LOWEST_COST, sku_tag="fragile"),
        Rule(3, "US default", NEAREST, country_code="US"),
    ]
    assert match_rule(rules, [C], DEST).name == "fragile"
    assert match_rule(rules, [A], DEST).name == "US default"
    assert match_rule(rules, [A], Destination(country_code="FR")) is None


def test_great_circle_distance():
    assert great_circle_km(40.7128, -74.0060, 51.5074, -0.1278) == pytest.approx(5570, rel=0.01)
    assert great_circle_km(1, 1, 1, 1) == 0


def test_two_locations_beat_the_three_a_greedy_cover_would_take():
    # X holds lines 1-4, P holds 1, 2 and 5, Q holds 3, 4 and 6: greedy takes X first and
    # then needs P and Q as well; P and Q together fill all six lines.
    x = CandidateLocation(11, "x", priority=1)
    p = CandidateLocation(12, "p", priority=5)
    q = CandidateLocation(13, "q", priority=5)
    lines = [LineRequest(200 + n, n, 1, f"line {n}") for n in range(1, 7)]
    available = {(n, 11): 1 for n in (1, 2, 3, 4)}
    available |= {(n, 12): 1 for n in (1, 2, 5)} | {(n, 13): 1 for n in (3, 4, 6)}
    plan = source(lines=lines, destination=DEST, locations=[x, p, q], stock=available, rule=rule(PRIORITY))
    assert plan.location_ids() == [12, 13]
    assert plan.backordered == {}
    assert sorted(plan.allocated_by_line().items()) == [(200 + n, 1) for n in range(1, 7)]
    assert "split over 2 locations" in plan.explanation


def test_greedy_result_stands_when_no_pair_can_cover():
    locations = [CandidateLocation(20 + n, f"l{n}", priority=n) for n in range(3)]
    lines = [LineRequest(300 + n, n, 1, f"line {n}") for n in range(3)]
    available = {(n, 20 + n): 1 for n in range(3)}  # each line at a different location
    plan = source(lines=lines, destination=DEST, locations=locations, stock=available, rule=rule(PRIORITY))
    assert sorted(plan.location_ids()) == [20, 21, 22]
    assert plan.backordered == {}
