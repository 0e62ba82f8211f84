"""The sourcing engine: a pure function, no database, no Django.

Dataclasses in (lines to source, the destination, candidate locations, available stock,
the routing rules), a `Plan` out: (location, line, quantity) allocations, what is
backordered, and one readable sentence per decision.

Preference order: one location that can fill every line; otherwise the fewest
locations: a greedy cover (each step takes the location filling the most lines, then the
most units), and when that needs three or more, an exact search for a pair that covers
everything among the best-placed candidates (minimum cover is NP-hard in general; pairs
are the split that matters in practice). Ties go to the rule's strategy (distance, cost
or priority), then to the location code so that the same input always gives the same
plan. Drop-ship SKUs go to their vendor only; pickup orders are sourced from the chosen
store only.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

FEWEST_SHIPMENTS = "fewest_shipments"
NEAREST = "nearest"
LOWEST_COST = "lowest_cost"
PRIORITY = "priority"
STRATEGY_LABELS = {
    FEWEST_SHIPMENTS: "fewest shipments",
    NEAREST: "nearest",
    LOWEST_COST: "lowest cost",
    PRIORITY: "location priority",
}
PICKUP = "pickup"
DROPSHIP = "dropship"
EARTH_RADIUS_KM = 6371.0
#: How many of the best-covering locations the exact pair search considers.
PAIR_SEARCH_CANDIDATES = 40


@dataclass(frozen=True)
class LineRequest:
    line_id: int
    sku_id: int
    quantity: int
    label: str = ""  # "line 1 (TSHIRT-BLK-M)"
    tags: frozenset[str] = frozenset()
    dropship_vendor_id: int | None = None


@dataclass(frozen=True)
class Destination:
    country_code: str = ""
    region: str = ""
    postal_code: str = ""
    latitude: float | None = None
    longitude: float | None = None
    channel_id: int | None = None
    delivery_method: str = "ship"
    pickup_location_id: int | None = None


@dataclass(frozen=True)
class CandidateLocation:
    id: int
    code: str
    kind: str = "warehouse"
    latitude: float | None = None
    longitude: float | None = None
    priority: int = 100
    cost_base: float = 0.0
    cost_per_km: float = 0.0
    #: Channels served; empty means every channel.
    channel_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Rule:
    id: int
    name: str
    strategy: str = FEWEST_SHIPMENTS
    channel_id: int | None = None
    country_code: str = ""
    region: str = ""
    postal_prefix: str = ""
    sku_tag: str = ""
    delivery_method: str = ""
    include_location_ids: frozenset[int] = frozenset()
    exclude_location_ids: frozenset[int] = frozenset()
    include_kinds: frozenset[str] = frozenset()
    exclude_kinds: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Allocation:
    location_id: int
    line_id: int
    quantity: int


@dataclass
class Plan:
    allocations: list[Allocation] = field(default_factory=list)
    backordered: dict[int, int] = field(default_factory=dict)
    sentences: list[str] = field(default_factory=list)
    rule: Rule | None = None

    @property
    def explanation(self) -> str:
        return " ".join(self.sentences)

    def allocated_by_line(self) -> dict[int, int]:
        totals: dict[int, int] = {}
        for allocation in self.allocations:
            totals[allocation.line_id] = totals.get(allocation.line_id, 0) + allocation.quantity
        return totals

    def location_ids(self) -> list[int]:
        return list(dict.fromkeys(allocation.location_id for allocation in self.allocations))


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance in kilometres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def _norm(value: str) -> str:
    return "".join((value or "").split()).upper()


def rule_matches(rule: Rule, lines: Iterable[LineRequest], destination: Destination) -> bool:
    if rule.channel_id is not None and rule.channel_id != destination.channel_id:
        return False
    if rule.country_code and _norm(rule.country_code) != _norm(destination.country_code):
        return False
    if rule.region and _norm(rule.region) != _norm(destination.region):
        return False
    if rule.postal_prefix and not _norm(destination.postal_code).startswith(_norm(rule.postal_prefix)):
        return False
    if rule.delivery_method and rule.delivery_method != destination.delivery_method:
        return False
    return not (rule.sku_tag and not any(rule.sku_tag.lower() in line.tags for line in lines))


def match_rule(rules: Iterable[Rule], lines: Iterable[LineRequest], destination: Destination) -> Rule | None:
    """The first rule, in the given order (by position), whose conditions all match."""
    lines = list(lines)
    return next((rule for rule in rules if rule_matches(rule, lines, destination)), None)


class _Ranker:
    """Orders locations by the strategy's tie-break; computes distance and cost once each."""

    def __init__(self, strategy: str, destination: Destination):
        self.strategy = strategy
        self.has_point = destination.latitude is not None and destination.longitude is not None
        self.destination = destination
        self._distance: dict[int, float | None] = {}
        self._key: dict[int, tuple] = {}

    def distance(self, location: CandidateLocation) -> float | None:
        if location.id not in self._distance:
            known = self.has_point and location.latitude is not None and location.longitude is not None
            self._distance[location.id] = (
                great_circle_km(
                    self.destination.latitude,
                    self.destination.longitude,
                    location.latitude,
                    location.longitude,
                )
                if known
                else None
            )
        return self._distance[location.id]

    def cost(self, location: CandidateLocation) -> float:
        return location.cost_base + location.cost_per_km * (self.distance(location) or 0.0)

    def key(self, location: CandidateLocation) -> tuple:
        cached = self._key.get(location.id)
        if cached is not None:
            return cached
        distance = self.distance(location)
        far = math.inf if distance is None else distance
        if self.strategy == NEAREST and self.has_point:
            key = (far, location.priority, location.code)
        elif self.strategy == LOWEST_COST:
            key = (self.cost(location), location.priority, far, location.code)
        elif self.strategy == FEWEST_SHIPMENTS:
            key = (location.priority, far, location.code)
        else:  # priority, and nearest without destination coordinates
            key = (location.priority, location.code)
        self._key[location.id] = key
        return key

    def describe(self, location: CandidateLocation) -> str:
        distance = self.distance(location)
        if self.strategy == LOWEST_COST:
            return f"cost {self.cost(location):.2f}"
        if self.strategy == PRIORITY or distance is None:
            return f"priority {location.priority}"
        return f"{distance:.0f} km"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _labels(lines: Iterable[LineRequest]) -> str:
    return ", ".join(line.label or f"line {line.line_id}" for line in lines)


def _allowed(location: CandidateLocation, rule: Rule | None, destination: Destination) -> bool:
    if location.channel_ids and destination.channel_id not in location.channel_ids:
        return False
    if rule is None:
        return True
    if rule.include_location_ids and location.id not in rule.include_location_ids:
        return False
    if location.id in rule.exclude_location_ids:
        return False
    if rule.include_kinds and location.kind not in rule.include_kinds:
        return False
    return location.kind not in rule.exclude_kinds


def source(
    *,
    lines: list[LineRequest],
    destination: Destination,
    locations: Iterable[CandidateLocation],
    stock: Mapping[tuple[int, int], int],
    rule: Rule | None = None,
    exclude_location_ids: Iterable[int] = (),
    exclude_reason: str = "",
) -> Plan:
    """Plan where each line's quantity comes from. `stock[(sku_id, location_id)]` is what is
    available there now (on hand - reserved - safety stock)."""
    strategy = rule.strategy if rule is not None else FEWEST_SHIPMENTS
    plan = Plan(rule=rule)
    ranker = _Ranker(strategy, destination)
    by_id = {location.id: location for location in locations}
    excluded = set(exclude_location_ids)
    if rule is not None:
        plan.sentences.append(f"Rule '{rule.name}' applies ({STRATEGY_LABELS.get(strategy, strategy)}).")
    else:
        plan.sentences.append("No routing rule matched; using fewest shipments, then location priority.")
    if excluded:
        codes = ", ".join(sorted(by_id[i].code for i in excluded if i in by_id)) or "none"
        plan.sentences.append(f"Not considered: {codes}{f' ({exclude_reason})' if exclude_reason else ''}.")

    lines = [line for line in lines if line.quantity > 0]
    left = {line.line_id: line.quantity for line in lines}
    avail: dict[tuple[int, int], int] = dict(stock)

    dropship = [line for line in lines if line.dropship_vendor_id is not None]
    regular = [line for line in lines if line.dropship_vendor_id is None]

    for line in dropship:
        vendor = by_id.get(line.dropship_vendor_id)
        label = line.label or f"line {line.line_id}"
        if vendor is None or vendor.id in excluded:
            plan.sentences.append(f"{label} is drop-shipped, but its vendor is inactive or excluded.")
            continue
        take = min(left[line.line_id], avail.get((line.sku_id, vendor.id), 0))
        if take:
            _allocate(plan, avail, left, vendor.id, line, take)
        if take == line.quantity:
            plan.sentences.append(f"{label} is drop-shipped by its vendor {vendor.code}.")
        else:
            plan.sentences.append(
                f"{label} is drop-shipped by its vendor {vendor.code}, "
                f"which has only {take} of {line.quantity}."
            )

    if regular:
        if destination.delivery_method == PICKUP:
            pool = [by_id[i] for i in [destination.pickup_location_id] if i in by_id and i not in excluded]
            store = pool[0].code if pool else "the chosen store"
            plan.sentences.append(f"Pickup order: sourced from {store} only.")
        else:
            pool = [
                location
                for location in by_id.values()
                if location.kind != DROPSHIP
                and location.id not in excluded
                and _allowed(location, rule, destination)
            ]
        _source_regular(plan, ranker, regular, pool, avail, left)

    for line in lines:
        if left[line.line_id] > 0:
            plan.backordered[line.line_id] = left[line.line_id]
    if plan.backordered:
        parts = [
            f"{units} of {line.label or f'line {line.line_id}'}"
            for line in lines
            if (units := plan.backordered.get(line.line_id))
        ]
        plan.sentences.append(f"Backordered (no location has the stock): {', '.join(parts)}.")
    return plan


def _allocate(
    plan: Plan, avail: dict, left: dict, location_id: int, line: LineRequest, quantity: int
) -> None:
    plan.allocations.append(Allocation(location_id, line.line_id, quantity))
    avail[line.sku_id, location_id] = avail.get((line.sku_id, location_id), 0) - quantity
    left[line.line_id] -= quantity


def _source_regular(plan, ranker, lines, pool, avail, left) -> None:
    label = STRATEGY_LABELS.get(ranker.strategy, ranker.strategy)
    rule_name = f"rule '{plan.rule.name}'" if plan.rule is not None else "the default"
    # Only locations holding some stock of these SKUs can matter.
    offers: dict[int, list[LineRequest]] = {}
    for loc in pool:
        held = [line for line in lines if avail.get((line.sku_id, loc.id), 0) > 0]
        if held:
            offers[loc.id] = held
    pool = [loc for loc in pool if loc.id in offers]

    # 1) one location that fills every line
    need_by_sku: dict[int, int] = {}
    for line in lines:  # two lines may ask for the same SKU
        need_by_sku[line.sku_id] = need_by_sku.get(line.sku_id, 0) + left[line.line_id]
    full = [
        loc
        for loc in pool
        if len(offers[loc.id]) == len(lines)
        and all(avail[sku, loc.id] >= need for sku, need in need_by_sku.items())
    ]
    if full:
        best = min(full, key=ranker.key)
        for line in lines:
            _allocate(plan, avail, left, best.id, line, left[line.line_id])
        others = f"; {len(full) - 1} other location(s) could too" if len(full) > 1 else ""
        plan.sentences.append(
            f"{best.code} can ship all {_plural(len(lines), 'line')} ({ranker.describe(best)}); "
            f"chosen by {rule_name} ({label}){others}."
        )
        return

    # 2) the fewest locations: greedy cover, then an exact pair if greedy needed more
    trial_avail, trial_left = dict(avail), dict(left)
    chosen = _greedy_cover(ranker, lines, pool, offers, trial_avail, trial_left)
    if len(chosen) >= 3:
        pair = _pair_cover(ranker, lines, pool, avail, left)
        if pair is not None:
            chosen = pair
    served_by = []
    for loc in chosen:
        served = []
        for line in lines:
            take = min(left[line.line_id], avail.get((line.sku_id, loc.id), 0))
            if take > 0:
                _allocate(plan, avail, left, loc.id, line, take)
                served.append(line)
        served_by.append((loc, served))
    chosen = served_by
    if not chosen:
        return
    if len(chosen) == 1:
        loc, served = chosen[0]
        plan.sentences.append(
            f"Only {loc.code} has stock for {_labels(served)} ({ranker.describe(loc)}); "
            f"chosen by {rule_name} ({label})."
        )
        return
    parts = "; ".join(f"{loc.code} ({ranker.describe(loc)}): {_labels(served)}" for loc, served in chosen)
    plan.sentences.append(
        f"No single location has all {_plural(len(lines), 'line')}; split over "
        f"{len(chosen)} locations, fewest first, ties by {label}: {parts}."
    )


def _greedy_cover(ranker, lines, pool, offers, avail, left) -> list[CandidateLocation]:
    """Locations in the order a greedy cover takes them (works on copies of avail / left)."""
    chosen = []
    while any(left[line.line_id] > 0 for line in lines):
        best, best_score = None, None
        for loc in pool:
            filled = units = 0
            for line in offers[loc.id]:
                need, have = left[line.line_id], avail[line.sku_id, loc.id]
                if need <= 0 or have <= 0:
                    continue
                filled += have >= need
                units += min(have, need)
            if units and (best_score is None or (-filled, -units, ranker.key(loc)) < best_score):
                best, best_score = loc, (-filled, -units, ranker.key(loc))
        if best is None:
            break
        for line in lines:
            take = min(left[line.line_id], avail.get((line.sku_id, best.id), 0))
            if take > 0:
                avail[line.sku_id, best.id] -= take
                left[line.line_id] -= take
        chosen.append(best)
    return chosen


def _pair_cover(ranker, lines, pool, avail, left) -> list[CandidateLocation] | None:
    """Two locations that together fill every line, best-ranked pair first; None if none."""
    need: dict[int, int] = {}
    for line in lines:
        if left[line.line_id] > 0:
            need[line.sku_id] = need.get(line.sku_id, 0) + left[line.line_id]

    def coverage(loc):
        return sum(min(avail.get((sku, loc.id), 0), units) for sku, units in need.items())

    candidates = sorted(pool, key=lambda loc: (-coverage(loc), ranker.key(loc)))[:PAIR_SEARCH_CANDIDATES]
    candidates.sort(key=ranker.key)
    for index, first in enumerate(candidates):
        for second in candidates[index + 1 :]:
            if all(
                avail.get((sku, first.id), 0) + avail.get((sku, second.id), 0) >= units
                for sku, units in need.items()
            ):
                return [first, second]
    return None
