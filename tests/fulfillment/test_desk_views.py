"""The warehouse desk pages: the queue (query counts pinned on 200 open fulfillment orders),
the scan field, the pick screen's answers, PDFs, the order page's shipments and the vendor desk."""

from datetime import timedelta
from itertools import count

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from fulfillment import services
from fulfillment.models import FulfillmentChange, FulfillmentOrder, FulfillmentOrderLine, PickBatch
from oms.core.roles import DROPSHIP_VENDOR
from orders.models import Order, OrderLine
from tests.conftest import make_user

from .factories import ACTOR, UPS, ChannelFactory, accept, fresh, make_order, receive

pytestmark = pytest.mark.django_db
numbers = count(1)


@pytest.fixture
def picker(client, warehouse_user, east, store):
    east.staff.add(warehouse_user)
    store.staff.add(warehouse_user)
    client.force_login(warehouse_user)
    return client


def open_work(location, sku, how_many: int) -> list[FulfillmentOrder]:
    """Open fulfillment orders written directly (the queue only reads them): every stage,
    some late, some in a batch, some changed after packing."""
    channel = ChannelFactory(code="web")
    now = timezone.now()
    first = next(numbers) * 1000
    orders = Order.objects.bulk_create(
        [
            Order(
                number=f"OMS-Q{first + n:07d}",
                channel=channel,
                external_id=f"q-{first + n}",
                placed_at=now - timedelta(hours=n),
                ship_by=now + timedelta(days=(n % 5) - 2) if n % 3 else None,
                currency="USD",
                status="allocated",
            )
            for n in range(how_many)
        ]
    )
    OrderLine.objects.bulk_create(
        [OrderLine(order=o, line_number=1, sku=sku, sku_code=sku.code, quantity=2) for o in orders]
    )
    batch = PickBatch.objects.create(number=f"PB-T{next(numbers)}", location=location, actor_kind="system")
    states = ["pending", "picking", "packed", "ready_for_pickup"]
    fos = FulfillmentOrder.objects.bulk_create(
        [
            FulfillmentOrder(
                number=f"{o.number}-F1",
                order=o,
                location=location,
                kind="pickup" if states[n % 4] == "ready_for_pickup" else "ship",
                state=states[n % 4],
                batch=batch if n % 10 == 1 else None,
                tote=f"T{n}" if n % 10 == 1 else "",
            )
            for n, o in enumerate(orders)
        ]
    )
    lines = {line.order_id: line for line in OrderLine.objects.filter(order__in=orders)}
    FulfillmentOrderLine.objects.bulk_create(
        [
            FulfillmentOrderLine(fulfillment_order=fo, order_line=lines[fo.order_id], sku=sku, quantity=2)
            for fo in fos
        ]
    )
    FulfillmentChange.objects.bulk_create(
        [
            FulfillmentChange(fulfillment_order=fo, kind="cancelled", message="1 x cancelled")
            for fo in fos[2::40]
        ]
    )
    return fos


def test_the_queue_takes_the_same_few_queries_for_20_or_200_open_orders(
    picker, east, sku_a, django_assert_max_num_queries, django_assert_num_queries
):
    open_work(east, sku_a, 20)
    url = reverse("fulfillment:queue") + "?location=wh-east"
    with django_assert_max_num_queries(12) as small:
        assert picker.get(url).status_code == 200
    open_work(east, sku_a, 180)
    with django_assert_num_queries(len(small.captured_queries)) as large:
        page = picker.get(url)
    print(f"queue: {len(large.captured_queries)} queries for 200 open fulfillment orders")
    html = page.content.decode()
    assert html.count("data-fo=") == 200
    assert 'data-testid="changed"' in html and "late" in html
    counts = page.context["buckets"]
    assert {key: n for key, _, n in counts}["changed"] == 6
    assert sum(n for key, _, n in counts if key not in ("changed",)) == 200


def test_the_queue_is_sorted_by_ship_by_then_placed_and_counts_each_stage(picker, east, sku_a):
    fos = open_work(east, sku_a, 12)
    rows = picker.get(reverse("fulfillment:queue"), {"location": "wh-east"}).context["rows"]
    keys = [
        (fo.order.ship_by is None, fo.order.ship_by or fo.order.placed_at, fo.order.placed_at) for fo in rows
    ]
    assert keys == sorted(keys)
    buckets = picker.get(reverse("fulfillment:queue"), {"bucket": "to_ship"}).context["rows"]
    assert {fo.pk for fo in buckets} == {fo.pk for fo in fos if fo.state == "packed"}


def test_scanning_opens_what_a_code_names(picker, east, store, sku_a):
    receive(sku_a, east, 5)
    order = accept(make_order([(sku_a, 1)]))
    fo = FulfillmentOrder.objects.get(order=order)
    work = reverse("fulfillment:work", args=[fo.pk])
    scan = reverse("fulfillment:scan")
    assert picker.get(scan, {"code": fo.number.lower()})["Location"] == work
    assert picker.get(scan, {"code": order.number})["Location"] == work
    switched = picker.get(scan, {"code": "store-phl"}, follow=True)
    assert "Working at store-phl" in switched.content.decode()
    assert switched.context["chosen"] == store
    unknown = picker.get(scan, {"code": "NOTHING-42"}, follow=True)
    assert "Nothing here is known as NOTHING-42" in unknown.content.decode()


def test_scanning_a_return_tracking_number_opens_its_rma(picker, east, sku_a):
    from returns import services as return_services

    receive(sku_a, east, 5)
    fo = FulfillmentOrder.objects.get(order=accept(make_order([(sku_a, 1)])))
    for line in fo.lines.all():
        services.fulfillment_scan_pick(fo=fo, code=line.sku.code, actor=ACTOR)
    services.fulfillment_pack(fo=fresh(fo), actor=ACTOR)
    package = fo.packages.get()
    services.fulfillment_ship(
        fo=fresh(fo),
        packages=[{"carrier": "UPS", "tracking_number": UPS, "package": package.pk}],
        actor=ACTOR,
    )
    line = fo.order.lines.get()
    rma = return_services.return_create(
        order=fo.order,
        actor=ACTOR,
        carrier="UPS",
        tracking_number="1ZBACK0001",
        lines=[{"order_line": line, "quantity": 1, "reason_code": "other", "comment": ""}],
    )
    response = picker.get(reverse("fulfillment:scan"), {"code": "1zback0001"})
    assert response["Location"] == reverse("returns:detail", args=[rma.number])
    # the outbound tracking number opens the shipped work
    assert picker.get(reverse("fulfillment:scan"), {"code": UPS})["Location"] == reverse(
        "fulfillment:work", args=[fo.pk]
    )


def test_the_pick_screen_answers_each_scan(picker, east, sku_a):
    sku_a.barcode = "4001234567890"
    sku_a.save()
    receive(sku_a, east, 5)
    fo = FulfillmentOrder.objects.get(order=accept(make_order([(sku_a, 3)])))
    url = reverse("fulfillment:work-scan", args=[fo.pk])
    htmx = {"HTTP_HX_REQUEST": "true"}
    wrong = picker.post(url, {"code": "SOMETHING-ELSE"}, **htmx)
    assert wrong.context["feedback"] == {
        "ok": False,
        "text": f"Wrong item: SOMETHING-ELSE is not on pick list {fo.number}.",
        "code": "wrong_item",
    }
    assert picker.post(url, {"code": "2"}, **htmx).context["quantity"] == 2  # the next scan counts 2
    assert (
        "2 x SHIRT-A: 2 of 3 picked"
        in picker.post(url, {"code": "4001234567890"}, **htmx).context["feedback"]["text"]
    )
    glued = picker.post(url, {"code": "24001234567890"}, **htmx)  # "2" typed, then the scanner's keys
    assert "Too many SHIRT-A" in glued.context["feedback"]["text"]
    done = picker.post(url, {"code": "shirt-a"}, **htmx)
    assert "Everything is picked" in done.context["feedback"]["text"]
    assert b'data-testid="next-step"' in done.content
    other = FulfillmentOrder.objects.get(order=accept(make_order([(sku_a, 1)])))
    jump = picker.post(url, {"code": other.number}, **htmx)
    assert jump["HX-Redirect"] == reverse("fulfillment:work", args=[other.pk])


def test_pick_lists_and_packing_slips_as_one_pdf(picker, east, sku_a):
    receive(sku_a, east, 5)
    fos = [FulfillmentOrder.objects.get(order=accept(make_order([(sku_a, 1)]))) for _ in range(3)]
    for name in ("pick-lists-pdf", "packing-slips-pdf"):
        response = picker.get(reverse(f"fulfillment:{name}"), {"fo": [fo.pk for fo in fos]})
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF-")
        assert response.content.count(b"/Type /Page\n") == 3


def test_the_order_page_shows_each_shipment_with_its_tracking_link(client, cs_user, east, sku_a):
    receive(sku_a, east, 5)
    order = accept(make_order([(sku_a, 1)]))
    fo = FulfillmentOrder.objects.get(order=order)
    services.fulfillment_scan_pick(fo=fo, code=sku_a.code, actor=ACTOR)
    services.fulfillment_pack(
        fo=fresh(fo), packages=[{"weight_grams": 500, "lines": {fo.lines.get().pk: 1}}], actor=ACTOR
    )
    package = fo.packages.get()
    services.fulfillment_ship(
        fo=fresh(fo),
        packages=[{"carrier": "UPS", "service": "Ground", "tracking_number": UPS, "package": package.pk}],
        actor=ACTOR,
    )
    client.force_login(cs_user)
    html = client.get(reverse("desk:order", args=[order.number])).content.decode()
    assert f'href="https://www.ups.com/track?tracknum={UPS}"' in html
    assert "0.5 kg" in html
    assert f"Shipped at wh-east ({fo.number}): UPS Ground {UPS}." in html


def test_a_vendors_user_sees_their_work_only_and_enters_tracking(client, vendor, east, sku_a, sku_b):
    user = make_user("vera", None)
    user.groups.add(Group.objects.get(name=DROPSHIP_VENDOR))
    vendor.staff.add(user)
    sku_a.dropship_vendor = vendor
    sku_a.save()
    receive(sku_a, vendor, 5)
    receive(sku_b, east, 5)
    mine = FulfillmentOrder.objects.get(order=accept(make_order([(sku_a, 1)])))
    warehouse_work = FulfillmentOrder.objects.get(order=accept(make_order([(sku_b, 1)])))
    client.force_login(user)
    assert client.get("/", follow=True).redirect_chain[-1][0] == reverse("fulfillment:vendor")
    for forbidden in (
        reverse("fulfillment:queue"),
        reverse("returns:list"),
        reverse("inventory:stock_lookup"),
    ):
        assert client.get(forbidden).status_code == 403
    assert client.post(reverse("fulfillment:vendor-accept", args=[warehouse_work.pk])).status_code == 404
    client.post(reverse("fulfillment:vendor-accept", args=[mine.pk]))
    assert fresh(mine).state == "sent_to_vendor"
    page = client.get(reverse("fulfillment:vendor")).content.decode()
    assert mine.number in page and warehouse_work.number not in page
    refused = client.post(
        reverse("fulfillment:vendor-ship", args=[mine.pk]),
        {f"fo{mine.pk}-carrier": "DHL|Express Worldwide", f"fo{mine.pk}-tracking_number": "12"},
    )
    assert "12 is not a DHL tracking number" in refused.content.decode()
    client.post(
        reverse("fulfillment:vendor-ship", args=[mine.pk]),
        {f"fo{mine.pk}-carrier": "DHL|Express Worldwide", f"fo{mine.pk}-tracking_number": "1234567890"},
    )
    assert fresh(mine).state == "shipped"
    assert client.get(reverse("api:fulfillmentorder-list")).status_code == 403  # no API for vendors


def test_the_api_confirms_a_change_after_packing_before_it_ships(api, east, sku_a):
    from orders import services as order_services

    receive(sku_a, east, 5)
    order = accept(make_order([(sku_a, 2)]))
    fo = FulfillmentOrder.objects.get(order=order)
    services.fulfillment_scan_pick(fo=fo, code=sku_a.code, quantity=2, actor=ACTOR)
    services.fulfillment_pack(fo=fresh(fo), actor=ACTOR)
    order_services.order_cancel_lines(
        order=order, quantities={order.lines.get().pk: 1}, reason="one", actor=ACTOR
    )
    line = fo.lines.get()
    body = {
        "packages": [{"carrier": "UPS", "tracking_number": UPS, "lines": [{"line": line.pk, "quantity": 1}]}]
    }
    refused = api.post(reverse("api:fulfillmentorder-ship", args=[fo.pk]), body)
    assert (refused.status_code, refused.json()["code"]) == (409, "change_unconfirmed")
    assert api.post(reverse("api:fulfillmentorder-confirm-change", args=[fo.pk])).status_code == 200
    assert api.post(reverse("api:fulfillmentorder-ship", args=[fo.pk]), body).json()["state"] == "shipped"
