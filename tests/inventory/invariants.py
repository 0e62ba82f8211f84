"""The stock invariants, checked against the database. Any app's test may call
`assert_stock_invariants()` after it has moved stock."""

from django.db.models import Sum

from inventory.models import Reservation, StockLevel, StockMovement


def assert_stock_invariants() -> None:
    """0 <= reserved <= on_hand everywhere; on_hand = sum of the ledger's on-hand deltas;
    reserved = sum of the open reservations (and = sum of the ledger's reserved deltas)."""
    ledger = {
        row["stock_level_id"]: (row["on_hand"], row["reserved"])
        for row in StockMovement.objects.values("stock_level_id").annotate(
            on_hand=Sum("on_hand_delta"), reserved=Sum("reserved_delta")
        )
    }
    open_reserved = {
        row["stock_level_id"]: row["total"]
        for row in Reservation.objects.filter(status=Reservation.Status.OPEN)
        .values("stock_level_id")
        .annotate(total=Sum("quantity"))
    }
    problems = []
    for level in StockLevel.objects.all():
        ledger_on_hand, ledger_reserved = ledger.get(level.pk, (0, 0))
        if not 0 <= level.reserved <= level.on_hand:
            problems.append(f"{level}: reserved {level.reserved} outside 0..on_hand {level.on_hand}")
        if level.on_hand != ledger_on_hand:
            problems.append(f"{level}: on_hand {level.on_hand} but the ledger sums to {ledger_on_hand}")
        open_total = open_reserved.get(level.pk, 0)
        if level.reserved != open_total:
            problems.append(f"{level}: reserved {level.reserved} but open reservations sum to {open_total}")
        if level.reserved != ledger_reserved:
            problems.append(f"{level}: reserved {level.reserved} but the ledger sums to {ledger_reserved}")
    assert not problems, "stock invariants broken:\n" + "\n".join(problems)
