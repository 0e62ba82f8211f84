"""REST API for fulfillment orders and shipments. Warehouse users see and act on the work
of their own locations only: the queryset is scoped (others' work answers 404) and an
object-level permission checks again before every action."""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from oms.core.actor import Actor
from oms.core.api.schema import IDEMPOTENCY_KEY, problems
from oms.core.idempotency import idempotent
from oms.core.roles import CUSTOMER_SERVICE, OMS_ADMIN, STAFF_ROLES, WAREHOUSE

from .. import selectors, services
from ..models import FulfillmentOrder, Shipment
from . import serializers as s

WORKERS = {WAREHOUSE, OMS_ADMIN}


class WorksAtLocation(BasePermission):
    """Object level: admins and customer service everywhere; warehouse staff at their locations."""

    message = "You do not work at this location."

    def has_object_permission(self, request, view, obj) -> bool:
        location_id = (
            obj.location_id if isinstance(obj, FulfillmentOrder) else obj.fulfillment_order.location_id
        )
        return selectors.sees_all_locations(request.user) or selectors.works_at(request.user, location_id)


class FulfillmentOrderFilter(django_filters.FilterSet):
    location = django_filters.CharFilter(field_name="location__code", help_text="Location code.")
    state = django_filters.MultipleChoiceFilter(choices=FulfillmentOrder.State.choices)
    kind = django_filters.ChoiceFilter(choices=FulfillmentOrder.Kind.choices)
    order = django_filters.CharFilter(field_name="order__number", help_text="Order number.")

    class Meta:
        model = FulfillmentOrder
        fields = ["location", "state", "kind", "order"]


class ShipmentFilter(django_filters.FilterSet):
    location = django_filters.CharFilter(field_name="fulfillment_order__location__code")
    fulfillment_order = django_filters.CharFilter(field_name="fulfillment_order__number")
    order = django_filters.CharFilter(field_name="fulfillment_order__order__number")
    tracking_number = django_filters.CharFilter()

    class Meta:
        model = Shipment
        fields = ["location", "fulfillment_order", "order", "tracking_number"]


def _step(name: str, serializer=None, summary: str = ""):
    """A POST action on one fulfillment order: validate `serializer`, then call `run`
    (idempotent with an Idempotency-Key). Answers with the fulfillment order."""

    def decorator(run):
        def view(self, request, pk=None):
            fo = self.get_object()
            checked = None
            if serializer is not None:
                checked = serializer(data=request.data)
                checked.is_valid(raise_exception=True)

            def handler():
                result = run(self, fo, checked, Actor.from_request(request))
                return Response(s.FulfillmentOrderSerializer(self._fresh(result or fo)).data)

            return idempotent(request, handler)

        view.__name__ = name
        view.__doc__ = summary
        view = action(detail=True, methods=["post"], url_path=name.replace("_", "-"))(view)
        # After @action, which replaces the function's kwargs where extend_schema keeps its own.
        return extend_schema(
            summary=summary,
            request=serializer,
            responses={200: s.FulfillmentOrderSerializer, **problems(400, 403, 404, 409, 422)},
            parameters=[IDEMPOTENCY_KEY],
        )(view)

    return decorator


class FulfillmentOrderViewSet(viewsets.ReadOnlyModelViewSet):
    """Fulfillment orders: the work one location does for one order."""

    serializer_class = s.FulfillmentOrderSerializer
    filterset_class = FulfillmentOrderFilter
    permission_classes = [*viewsets.ReadOnlyModelViewSet.permission_classes, WorksAtLocation]
    read_roles = STAFF_ROLES
    action_roles = {
        "start_picking": WORKERS,
        "confirm_pick": WORKERS,
        "pack": WORKERS,
        "ship": WORKERS,
        "deliver": {WAREHOUSE, CUSTOMER_SERVICE, OMS_ADMIN},
        "ready_for_pickup": WORKERS,
        "collect": WORKERS,
        "send_to_vendor": WORKERS,
        "reject": WORKERS,
        "reroute": {CUSTOMER_SERVICE, OMS_ADMIN},
        "confirm_change": WORKERS,
    }

    def get_queryset(self):
        return selectors.fulfillment_order_list(self.request.user)

    def _fresh(self, fo):
        return self.get_queryset().get(pk=fo.pk)

    @_step("start_picking", summary="Start picking (pending -> picking).")
    def start_picking(self, fo, data, actor):
        return services.fulfillment_start_picking(fo=fo, actor=actor)

    @_step(
        "confirm_pick", s.ConfirmPickSerializer, summary="Confirm picked units; a short pick is re-sourced."
    )
    def confirm_pick(self, fo, data, actor):
        picked = s.as_mapping(data.validated_data["lines"])
        return services.fulfillment_confirm_pick(fo=fo, picked=picked, actor=actor)[0]

    @_step("pack", summary="Pack (picking -> packed).")
    def pack(self, fo, data, actor):
        return services.fulfillment_pack(fo=fo, actor=actor)

    @_step("ship", s.ShipSerializer, summary="Ship one or more packages with carrier and tracking numbers.")
    def ship(self, fo, data, actor):
        services.fulfillment_ship(fo=fo, packages=data.to_packages(), actor=actor)

    @_step(
        "confirm_change",
        summary="Confirm a change customer service made after packing (re-packed or unpacked); "
        "until then ship and collect answer 409 change_unconfirmed.",
    )
    def confirm_change(self, fo, data, actor):
        return services.fulfillment_confirm_changes(fo=fo, actor=actor)

    @_step("deliver", summary="Mark delivered (shipped -> delivered).")
    def deliver(self, fo, data, actor):
        return services.fulfillment_mark_delivered(fo=fo, actor=actor)

    @_step("ready_for_pickup", summary="Pickup: ready for the customer (packed -> ready_for_pickup).")
    def ready_for_pickup(self, fo, data, actor):
        return services.fulfillment_ready_for_pickup(fo=fo, actor=actor)

    @_step("collect", s.CollectSerializer, summary="Pickup: handed over to the customer.")
    def collect(self, fo, data, actor):
        return services.fulfillment_collect(
            fo=fo, collected_by=data.validated_data["collected_by"], actor=actor
        )

    @_step("send_to_vendor", summary="Drop-ship: sent to the vendor (pending -> sent_to_vendor).")
    def send_to_vendor(self, fo, data, actor):
        return services.fulfillment_send_to_vendor(fo=fo, actor=actor)

    @_step("reject", s.ReasonSerializer, summary="The location cannot fill it: cancel and source elsewhere.")
    def reject(self, fo, data, actor):
        services.fulfillment_reject(fo=fo, reason=data.validated_data["reason"], actor=actor)

    @_step(
        "reroute", s.RerouteSerializer, summary="Customer service: move the open units to another location."
    )
    def reroute(self, fo, data, actor):
        return services.fulfillment_reroute(
            fo=fo,
            to_location=data.validated_data["location"],
            reason=data.validated_data["reason"],
            actor=actor,
        )


class ShipmentViewSet(viewsets.ReadOnlyModelViewSet):
    """Shipments (one per package or pickup hand-over) with carrier and tracking."""

    serializer_class = s.ShipmentSerializer
    filterset_class = ShipmentFilter
    permission_classes = [*viewsets.ReadOnlyModelViewSet.permission_classes, WorksAtLocation]
    read_roles = STAFF_ROLES

    def get_queryset(self):
        return selectors.shipment_list(self.request.user)
