"""A durable cursor over an append-only table's ids that neither skips nor repeats a row when
transactions commit out of id order.

Why not a plain "id > last id" high-water mark: ids are handed out when a row is inserted, but
the row becomes visible when its transaction commits. Transaction A takes id 10, B takes 11, B
commits, the reader exports 11 and moves its mark to 11; A commits: 10 is never read. A time lag
("only rows older than 30 s") narrows the window but delays everything and still skips a slow
transaction. `(updated_at, id)` has the same hole and more (a `QuerySet.update` does not bump
`auto_now`; shipments and refunds have no `updated_at`).

So the cursor keeps, beside its position, the ids it has passed over but not seen (`gaps`, as
id ranges): every id between the previous visible id and the next one, with when it was first
missed. Each
step reads (1) any gap ids that have since become visible (a late commit: exported now, once)
and (2) the rows after the position. A gap is forgotten after `retention` (its transaction
rolled back, which is what most gaps are: a refused intake burns its ids); a transaction that
stays open longer than that is the one case left, and no transaction of the OMS comes close (lock
timeouts end them in seconds). Rows are never repeated: the position and the gaps only move
forward, under the cursor row's lock, in the transaction that records what was read.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import reduce
from operator import or_

from django.db import models
from django.db.models import Q
from django.utils import timezone

#: An unseen id is waited for this long before it is taken for a rolled-back transaction.
DEFAULT_RETENTION = timedelta(minutes=15)
#: A bound on the gap ranges remembered (the oldest are dropped first).
MAX_GAP_RANGES = 1_000

Gap = list  # [first id, last id, first missed at (ISO)]


class IdCursorFields(models.Model):
    """Position and gaps of a cursor; the concrete model adds what the cursor is for."""

    position = models.BigIntegerField(default=0, help_text="The highest id read so far.")
    gaps = models.JSONField(
        default=list,
        blank=True,
        help_text="Id ranges below the position not yet seen: [[first, last, first missed at], ...].",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class NamedIdCursor(IdCursorFields):
    """A cursor known by its name (one per reader of a table)."""

    name = models.SlugField(max_length=40, unique=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.name} @ {self.position}"


@dataclass
class Step:
    ids: list[int]  # the ids to process now: late commits first, then new rows, ascending each
    position: int
    gaps: list[Gap]


def _without(gaps: list[Gap], found: list[int]) -> list[Gap]:
    """The gap ranges with the found ids cut out."""
    remaining = []
    found_set = sorted(found)
    for first, last, seen in gaps:
        inside = [pk for pk in found_set if first <= pk <= last]
        start = first
        for pk in inside:
            if start <= pk - 1:
                remaining.append([start, pk - 1, seen])
            start = pk + 1
        if start <= last:
            remaining.append([start, last, seen])
    return remaining


def cursor_step(
    queryset: models.QuerySet,
    *,
    position: int,
    gaps: list[Gap],
    limit: int,
    now: datetime | None = None,
    retention: timedelta = DEFAULT_RETENTION,
) -> Step:
    """The next ids of `queryset` (a table's every row, unfiltered: a filter would look like
    gaps) after `position`, at most `limit` late plus `limit` new ones, and the cursor state once
    they are read. At most two queries, on the primary key. The caller holds the cursor row's
    lock and saves the state in the transaction that records what it did with the ids. A fresh
    cursor (position 0) waits for the ids below the first visible row too: one range, cheap to
    look up even when the rows were purged long ago."""
    now = now or timezone.now()
    horizon = now - retention
    waiting = [gap for gap in gaps if datetime.fromisoformat(gap[2]) > horizon]
    late: list[int] = []
    if waiting:
        in_gaps = reduce(or_, (Q(pk__range=(first, last)) for first, last, _seen in waiting))
        late = list(queryset.filter(in_gaps).order_by("pk").values_list("pk", flat=True)[:limit])
        waiting = _without(waiting, late)
    new = list(queryset.filter(pk__gt=position).order_by("pk").values_list("pk", flat=True)[:limit])
    stamp = now.isoformat()
    previous = position
    for pk in new:
        if pk > previous + 1:
            waiting.append([previous + 1, pk - 1, stamp])
        previous = pk
    return Step(
        ids=late + new,
        position=new[-1] if new else position,
        gaps=waiting[-MAX_GAP_RANGES:],
    )
