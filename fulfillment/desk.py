"""The warehouse desk's seams for later apps: what a scan can open and what the work queue
counts. Fulfillment registers its own (fulfillment orders, pick batches, orders, locations,
outbound tracking); returns registers RMAs and return tracking numbers from its AppConfig,
since fulfillment never imports returns (design section 2)."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Opened:
    """Where a scanned code leads: a page, and what to tell the user on the way."""

    url: str
    message: str = ""


@dataclass(frozen=True)
class Count:
    """A number the work queue shows beside its own buckets, with the page that lists them."""

    key: str
    label: str
    count: int
    url: str


#: resolver(user, code, location_ids) -> Opened | None; tried in the order registered.
ScanResolver = Callable[[object, str, list[int]], Opened | None]
#: counter(user, location_ids) -> Count | None
QueueCounter = Callable[[object, list[int]], Count | None]

_resolvers: list[ScanResolver] = []
_counters: list[QueueCounter] = []


def register_scan_resolver(resolver: ScanResolver) -> ScanResolver:
    if resolver not in _resolvers:
        _resolvers.append(resolver)
    return resolver


def register_queue_counter(counter: QueueCounter) -> QueueCounter:
    if counter not in _counters:
        _counters.append(counter)
    return counter


def open_scanned(user, code: str, location_ids: list[int]) -> Opened | None:
    code = (code or "").strip()
    if not code:
        return None
    for resolver in _resolvers:
        opened = resolver(user, code, location_ids)
        if opened is not None:
            return opened
    return None


def extra_counts(user, location_ids: list[int]) -> list[Count]:
    return [count for counter in _counters if (count := counter(user, location_ids)) is not None]
