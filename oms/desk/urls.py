from django.urls import path

from .views import actions, exceptions, orders

app_name = "desk"
urlpatterns = [
    path("orders/", orders.order_list, name="orders"),
    path("orders/export.csv", orders.order_export, name="orders_export"),
    path("orders/<str:number>/", orders.order_detail, name="order"),
    path("orders/<str:number>/timeline/", orders.order_timeline, name="timeline"),
    path("orders/<str:number>/hold/", actions.hold_open, name="hold"),
    path("orders/<str:number>/holds/<int:hold_id>/release/", actions.hold_release, name="hold_release"),
    path("orders/<str:number>/address/", actions.edit_address, name="address"),
    path("orders/<str:number>/lines/add/", actions.line_add, name="line_add"),
    path("orders/<str:number>/lines/<int:line_id>/quantity/", actions.line_quantity, name="line_quantity"),
    path("orders/<str:number>/lines/<int:line_id>/sku/", actions.line_sku, name="line_sku"),
    path("orders/<str:number>/lines/<int:line_id>/remove/", actions.line_remove, name="line_remove"),
    path("orders/<str:number>/cancel-lines/", actions.cancel_lines, name="cancel_lines"),
    path("orders/<str:number>/cancel/", actions.cancel_order, name="cancel"),
    path("orders/<str:number>/notes/", actions.add_note, name="note"),
    path("orders/<str:number>/payment/", actions.payment, name="payment"),
    path("orders/<str:number>/returns/", actions.return_start, name="return_start"),
    path(
        "orders/<str:number>/returns/<int:rma_id>/authorize/",
        actions.return_authorize,
        name="return_authorize",
    ),
    path("orders/<str:number>/returns/<int:rma_id>/refund/", actions.refund_issue, name="refund"),
    path("orders/<str:number>/refunds/<int:refund_id>/resend/", actions.refund_resend, name="refund_resend"),
    path("orders/<str:number>/fulfillment/<int:fo_id>/reroute/", actions.reroute, name="reroute"),
    path("exceptions/", exceptions.exceptions, name="exceptions"),
    path("exceptions/bulk/", exceptions.bulk, name="exceptions_bulk"),
    path("exceptions/pushes/<int:push_id>/retry/", exceptions.push_retry, name="push_retry"),
]
