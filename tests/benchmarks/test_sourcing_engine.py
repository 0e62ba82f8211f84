"""Benchmark: source a 10-line order over 500 candidate locations (target: under 5 ms).

Run: python -m pytest tests/benchmarks/test_sourcing_engine.py -s -o addopts="" -m benchmark
"""

import random
import statistics
import time

import pytest

from fulfillment.sourcing import (
    NEAREST,
    CandidateLocation,
    Destination,
    LineRequest,
    Rule,
    match_rule,
    source,
)

RUNS = 300


def scenario(seed: int, stock_chance: float):
    rng = random.Random(seed)
    locations = [
        CandidateLocation(
            id=i,
            code=f"loc-{i:03d}",
            kind="store" if i % 3 else "warehouse",
            latitude=rng.uniform(25, 49),
            longitude=rng.uniform(-124, -67),
            priority=rng.randint(1, 100),
            cost_base=rng.uniform(3, 9),
            cost_per_km=rng.uniform(0.001, 0.005),
        )
        for i in range(500)
    ]
    lines = [
        LineRequest(100 + n, n, rng.randint(1, 4), f"line {n + 1}", frozenset({"apparel"})) for n in range(10)
    ]
    stock = {
        (line.sku_id, loc.id): rng.randint(0, 6)
        for loc in locations
        for line in lines
        if rng.random() < stock_chance
    }
    rules = [
        Rule(1, "Pickup", "priority", delivery_method="pickup"),
        Rule(2, "Fragile", "lowest_cost", sku_tag="fragile"),
        Rule(3, "US default", NEAREST, country_code="US"),
    ]
    destination = Destination(
        country_code="US", region="PA", postal_code="19103", latitude=39.95, longitude=-75.17
    )
    return lines, destination, locations, stock, rules


def measure(stock_chance: float) -> tuple[float, float, int]:
    lines, destination, locations, stock, rules = scenario(7, stock_chance)
    timings, plan = [], None
    for _ in range(RUNS):
        start = time.perf_counter()
        rule = match_rule(rules, lines, destination)
        plan = source(lines=lines, destination=destination, locations=locations, stock=stock, rule=rule)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95)], len(plan.location_ids())


@pytest.mark.benchmark
@pytest.mark.parametrize(
    ("name", "stock_chance"),
    [("many locations hold everything", 0.9), ("no single location: split", 0.3), ("sparse stock", 0.05)],
)
def test_sourcing_a_10_line_order_over_500_locations(name, stock_chance):
    median, p95, locations_used = measure(stock_chance)
    print(
        f"\nsourcing engine, 10 lines x 500 locations, {name}: "
        f"median {median:.2f} ms, p95 {p95:.2f} ms ({locations_used} location(s) in the plan)"
    )
    assert median < 5.0
