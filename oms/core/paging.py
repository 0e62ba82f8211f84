"""Staff lists on large tables: keyset pages (previous and next) and a count that stays fast.

A keyset page never uses OFFSET: the cursor names the last (or first) row shown, and the next
page starts strictly after it in the list's ordering, so page 1,000 costs what page 1 costs.
A capped count counts at most `cap` + 1 rows (a LIMITed subquery) and says "more than cap"
beyond that, so that a count over a million rows stays an index range of `cap` rows.
"""

import base64
import json
from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, Q, QuerySet
from django.utils.dateparse import parse_datetime

COUNT_CAP = 10_000


@dataclass(frozen=True)
class Count:
    value: int
    exact: bool

    def __str__(self) -> str:
        return f"{self.value:,}" if self.exact else f"more than {self.value:,}"


def capped_count(queryset: QuerySet, cap: int = COUNT_CAP) -> Count:
    """Exact up to `cap`; beyond it, `Count(cap, exact=False)`. One query."""
    counted = queryset.order_by().values("pk")[: cap + 1].count()
    return Count(cap, False) if counted > cap else Count(counted, True)


@dataclass(frozen=True)
class Key:
    """One sort key of a keyset ordering. Nullable keys sort their NULLs last."""

    field: str
    descending: bool = False
    nullable: bool = False


@dataclass
class Page:
    rows: list
    next_cursor: str = ""
    previous_cursor: str = ""


def _encode(values: list) -> str:
    plain = [value.isoformat() if isinstance(value, datetime) else value for value in values]
    return base64.urlsafe_b64encode(json.dumps(plain).encode()).decode().rstrip("=")


def _decode(cursor: str, keys: list[Key]) -> list | None:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except ValueError:
        return None
    if not isinstance(values, list) or len(values) != len(keys) + 1:
        return None
    decoded = []
    for key, value in zip([*keys, Key("pk")], values, strict=True):
        if value is None:
            if not key.nullable:
                return None
            decoded.append(None)
        elif isinstance(value, str) and parse_datetime(value) is not None:
            decoded.append(parse_datetime(value))
        elif isinstance(value, int | str):
            decoded.append(value)
        else:
            return None
    return decoded


def _beyond(keys: list[Key], values: list, forward: bool) -> Q:
    """Rows strictly after (forward) or before the position `values` in the ordering `keys` + pk."""
    *firsts, pk = values
    condition = Q(pk__gt=pk) if forward else Q(pk__lt=pk)
    if keys and keys[0].descending:  # the primary key follows the direction of the first key
        condition = Q(pk__lt=pk) if forward else Q(pk__gt=pk)
    for key, value in reversed(list(zip(keys, firsts, strict=True))):
        later = "lt" if key.descending == forward else "gt"
        if value is None:  # NULLs sort last: after a NULL only NULLs; before it, every value
            same = Q(**{f"{key.field}__isnull": True})
            condition = same & condition if forward else (same & condition) | ~same
        else:
            step = Q(**{f"{key.field}__{later}": value})
            if key.nullable and forward:
                step |= Q(**{f"{key.field}__isnull": True})
            condition = step | (Q(**{key.field: value}) & condition)
    return condition


def _order(keys: list[Key], forward: bool) -> list:
    first_desc = bool(keys) and keys[0].descending
    ordering = []
    for key in keys:
        descending = key.descending != (not forward)
        # NULLs last in the page order, so first when walking it backwards.
        nulls = ({"nulls_last": True} if forward else {"nulls_first": True}) if key.nullable else {}
        ordering.append(F(key.field).desc(**nulls) if descending else F(key.field).asc(**nulls))
    pk_desc = first_desc != (not forward)
    ordering.append("-pk" if pk_desc else "pk")
    return ordering


def _cursor(row, keys: list[Key]) -> str:
    return _encode([getattr(row, key.field) for key in keys] + [row.pk])


def ordered(queryset: QuerySet, keys: list[Key]) -> QuerySet:
    """The queryset in the page ordering (what an export of the whole list uses)."""
    return queryset.order_by(*_order(keys, forward=True))


def keyset_page(
    queryset: QuerySet, keys: list[Key], *, after: str = "", before: str = "", size: int = 50
) -> Page:
    """One page of `queryset` in the order of `keys` (then pk). `after` / `before` are cursors
    from a previous Page; a cursor that does not parse is ignored (first page)."""
    position = _decode(before or after, keys) if (before or after) else None
    forward = not (before and position is not None)
    if position is not None:
        queryset = queryset.filter(_beyond(keys, position, forward))
    rows = list(queryset.order_by(*_order(keys, forward))[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if not forward:
        rows.reverse()
    page = Page(rows)
    has_next = more if forward else True
    has_previous = (position is not None) if forward else more
    if rows and has_next:
        page.next_cursor = _cursor(rows[-1], keys)
    if rows and has_previous:
        page.previous_cursor = _cursor(rows[0], keys)
    return page
