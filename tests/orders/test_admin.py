"""Admin: CSV / XLSX import through intake, export, actions, channel tokens, outbox."""

import csv
import io

import pytest
import tablib
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile

from oms.core.actor import Actor
from oms.core.models import Channel, OutboxEvent
from orders import services
from orders.models import Order
from orders.resources import EXPORT_COLUMNS

from .factories import ChannelFactory, make_order

pytestmark = pytest.mark.django_db
IMPORT_URL = "/admin/orders/order/import/"
HEADERS = [
    "channel",
    "external_id",
    "placed_at",
    "currency",
    "payment_status",
    "customer_email",
    "customer_name",
    "ship_line1",
    "ship_city",
    "ship_postal_code",
    "ship_country_code",
    "shipping_price",
    "total",
    "sku",
    "quantity",
    "unit_price",
    "tax",
]


def rows():
    common = [
        "2026-03-02T10:00:00Z",
        "USD",
        "paid",
        "A@B.test",
        "Ann Bee",
        "1 Main St",
        "Albany",
        "12207",
        "US",
    ]
    return [
        ["web", "CSV-1", *common, "5.00", "30.00", "TSHIRT-M", "2", "10.00", "0"],
        ["web", "CSV-1", *common, "5.00", "30.00", "CAP-RED", "1", "5.00", "0"],
        ["web", "CSV-2", *common, "0", "7.00", "NOPE-1", "1", "7.00", "0"],
    ]


def csv_file(data, name="orders.csv"):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    writer.writerows(data)
    return SimpleUploadedFile(name, buffer.getvalue().encode(), content_type="text/csv")


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_csv_import_goes_through_intake_and_reimport_creates_nothing(admin_client, web, skus):
    response = admin_client.post(IMPORT_URL, {"file": csv_file(rows())})
    assert response.status_code == 302
    assert Order.objects.count() == 2
    one = Order.objects.get(external_id="CSV-1")
    assert (one.lines.count(), str(one.total), one.customer_email) == (2, "30.0000", "a@b.test")
    assert one.events.first().actor_label == "ada"
    held = Order.objects.get(external_id="CSV-2")
    assert held.status == "on_hold" and "unknown SKU 'NOPE-1'" in held.holds.get().reason
    outbox = OutboxEvent.objects.count()

    again = admin_client.post(IMPORT_URL, {"file": csv_file(rows())}, follow=True)
    assert Order.objects.count() == 2
    assert OutboxEvent.objects.count() == outbox
    assert "2 were already here" in [str(m) for m in get_messages(again.wsgi_request)][-1]


def test_malformed_rows_are_reported_by_number_and_nothing_is_imported(admin_client, web, skus):
    data = rows()
    data[1][HEADERS.index("quantity")] = "0"
    data[2][HEADERS.index("placed_at")] = "someday"
    response = admin_client.post(IMPORT_URL, {"file": csv_file(data)})
    assert response.status_code == 200
    errors = response.context["result"].errors
    assert any(error.startswith("Row 3: lines.1.quantity") for error in errors), errors
    assert any(error.startswith("Row 4: placed_at") for error in errors), errors
    assert b"Nothing was imported" in response.content
    assert Order.objects.count() == 0


def test_unknown_channel_and_missing_columns_are_refused(admin_client, web, skus):
    data = rows()
    data[0][0] = data[1][0] = "nowhere"
    errors = admin_client.post(IMPORT_URL, {"file": csv_file(data)}).context["result"].errors
    assert errors == ["Row 2: channel: unknown or inactive channel 'nowhere'."]
    bad = SimpleUploadedFile("x.csv", b"channel,sku\nweb,A\n")
    assert "Missing columns" in admin_client.post(IMPORT_URL, {"file": bad}).context["result"].errors[0]
    assert Order.objects.count() == 0


def test_xlsx_import_with_numbers_in_cells(admin_client, web, skus):
    sheet = tablib.Dataset(headers=HEADERS)
    for row in rows()[:2]:
        row = list(row)
        for column in ("shipping_price", "total", "unit_price", "tax"):
            row[HEADERS.index(column)] = float(row[HEADERS.index(column)])
        row[HEADERS.index("quantity")] = int(row[HEADERS.index("quantity")])
        sheet.append(row)
    upload = SimpleUploadedFile("orders.xlsx", sheet.export("xlsx"))
    assert admin_client.post(IMPORT_URL, {"file": upload}).status_code == 302
    order = Order.objects.get()
    assert (order.status, str(order.total)) == ("new", "30.0000")


def test_only_admins_import(client, cs_user, web):
    client.force_login(cs_user)
    assert client.get(IMPORT_URL).status_code in (302, 403)


def _export(admin_client, file_format: int) -> bytes:
    fields = {f"orderexportresource_{column}": "on" for column in EXPORT_COLUMNS}
    response = admin_client.post(
        "/admin/orders/order/export/", {"format": file_format, "resource": 0, **fields}
    )
    assert response.status_code == 200
    return response.content


def test_export_csv_and_xlsx_one_row_per_line_reimportable(admin_client, web, skus):
    make_order(
        web,
        external_id="E-1",
        lines=[("TSHIRT-M", 2, "10.00"), ("CAP-RED", 1, "5.00")],
        totals={"total": "37.00"},
    )
    text = _export(admin_client, 0).decode()
    table = list(csv.DictReader(io.StringIO(text)))
    assert [(row["external_id"], row["sku"], row["quantity"]) for row in table] == [
        ("E-1", "TSHIRT-M", "2"),
        ("E-1", "CAP-RED", "1"),
    ]
    assert table[0]["placed_at"].startswith("2026-03-02T10:00:00")
    xlsx = tablib.Dataset().load(_export(admin_client, 1), format="xlsx")
    assert len(xlsx) == 2 and "number" in xlsx.headers

    ChannelFactory(code="copy")
    copied = text.replace("\nweb,", "\ncopy,").replace(",web,", ",copy,")
    upload = SimpleUploadedFile("again.csv", copied.encode())
    assert admin_client.post(IMPORT_URL, {"file": upload}).status_code == 302
    assert Order.objects.filter(channel__code="copy", external_id="E-1").get().lines.count() == 2


def test_admin_actions_call_services(admin_client, prepaid, skus):
    order = make_order(prepaid, payment_status="pending")
    changelist = "/admin/orders/order/"
    refused = admin_client.post(
        changelist, {"action": "release_holds", "_selected_action": [order.pk]}, follow=True
    )
    assert "payment is pending" in refused.content.decode()  # the service's rule holds in the admin too
    assert Order.objects.get(pk=order.pk).status == "on_hold"
    services.order_update_payment(order=order, status="paid", actor=Actor.system("test"))
    services.order_hold(order=order, kind="manual", reason="check", actor=Actor.system("test"))
    admin_client.post(changelist, {"action": "release_holds", "_selected_action": [order.pk]})
    order = Order.objects.get(pk=order.pk)
    assert order.status == "new"
    assert order.events.filter(kind="hold_released", actor_label="ada").exists()
    admin_client.post(changelist, {"action": "anonymize_customer", "_selected_action": [order.pk]})
    order = Order.objects.get(pk=order.pk)
    assert order.anonymized_at and order.customer_email == ""
    assert order.events.last().kind == "anonymized"
    detail = admin_client.get(f"/admin/orders/order/{order.pk}/change/")
    assert detail.status_code == 200
    assert admin_client.get("/admin/orders/order/add/").status_code == 403


def test_channel_admin_issues_a_token_shown_once(admin_client, web):
    response = admin_client.post(
        "/admin/core/channel/", {"action": "issue_token", "_selected_action": [web.pk]}, follow=True
    )
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    token = message.rsplit(" ", 1)[-1]
    assert token.startswith("ch_")
    from oms.core.models import token_digest

    assert Channel.objects.get(pk=web.pk).api_token_digest == token_digest(token)
    assert token not in admin_client.get(f"/admin/core/channel/{web.pk}/change/").content.decode()


def test_outbox_admin_is_read_only(admin_client, web, skus):
    make_order(web)
    row = OutboxEvent.objects.first()
    assert admin_client.get("/admin/core/outboxevent/").status_code == 200
    assert admin_client.get(f"/admin/core/outboxevent/{row.pk}/change/").status_code == 200
    assert admin_client.get("/admin/core/outboxevent/add/").status_code == 403


def test_demo_orders_come_through_intake_once(db):
    from django.core.management import call_command

    call_command("seed_demo", force=True, verbosity=0)
    count = Order.objects.count()
    call_command("seed_demo", force=True, verbosity=0)
    assert Order.objects.count() == count == 50
    assert Order.objects.filter(holds__kind="exception", holds__reason__contains="LEGACY-999").exists()
    assert Order.objects.filter(holds__kind="payment", holds__released_at__isnull=True).count() == 2
    assert Order.objects.filter(delivery_method="pickup").exists()
    assert Order.objects.values("channel").distinct().count() > 3
