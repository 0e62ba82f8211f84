"""Read-only admin: returns change through the services (API, staff pages)."""

from django.contrib import admin, messages

from oms.core.actor import Actor
from oms.core.admin_base import ReadOnlyAdmin, ReadOnlyInline
from oms.core.errors import DomainError

from . import services
from .models import Refund, RefundLine, ReturnAuthorization, ReturnLine, ReturnReceipt


class ReturnLineInline(ReadOnlyInline):
    model = ReturnLine
    fields = [
        "order_line",
        "quantity",
        "reason_code",
        "customer_comment",
        "quantity_received",
        "quantity_restocked",
        "quantity_scrapped",
        "quantity_to_vendor",
        "quantity_refunded",
    ]
    readonly_fields = fields


class RefundInline(ReadOnlyInline):
    model = Refund
    fields = [
        "created_at",
        "lines_amount",
        "shipping_amount",
        "restocking_fee",
        "total",
        "currency",
        "status",
        "external_reference",
        "failure_reason",
    ]
    readonly_fields = fields


@admin.register(ReturnAuthorization)
class ReturnAuthorizationAdmin(ReadOnlyAdmin):
    list_display = ["number", "order", "status", "return_carrier", "tracking_number", "created_at"]
    list_filter = ["status", "receiving_location"]
    search_fields = ["number", "order__number", "tracking_number"]
    list_select_related = ["order"]
    inlines = [ReturnLineInline, RefundInline]
    readonly_fields = [f.name for f in ReturnAuthorization._meta.fields]


class RefundLineInline(ReadOnlyInline):
    model = RefundLine
    fields = ["return_line", "quantity", "amount"]
    readonly_fields = fields


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ["id", "rma", "order", "total", "currency", "status", "external_reference", "created_at"]
    list_filter = ["status"]
    search_fields = ["rma__number", "order__number", "external_reference"]
    list_select_related = ["rma", "order"]
    inlines = [RefundLineInline]
    readonly_fields = [f.name for f in Refund._meta.fields]
    actions = ["send_again"]

    @admin.action(description="Send the selected failed refunds to the channel again")
    def send_again(self, request, queryset):
        actor = Actor.for_user(request.user)
        sent = 0
        for refund in queryset.filter(status__in=[Refund.Status.FAILED, Refund.Status.SENDING]):
            try:
                services.refund_resend(refund=refund, actor=actor)
                sent += 1
            except DomainError as error:  # the service's rules hold here too (role, a live sender)
                self.message_user(request, f"Refund {refund.pk}: {error.message}", messages.WARNING)
        self.message_user(request, f"{sent} failed refund(s) sent again.")


@admin.register(ReturnReceipt)
class ReturnReceiptAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "line",
        "quantity",
        "condition",
        "disposition",
        "location",
        "actor_label",
        "created_at",
    ]
    list_filter = ["condition", "disposition", "location"]
    search_fields = ["line__rma__number"]
    list_select_related = ["line", "location"]
    readonly_fields = [f.name for f in ReturnReceipt._meta.fields]
