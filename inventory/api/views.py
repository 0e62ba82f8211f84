"""Inventory API views: catalog, stock levels, the ledger, availability and stock writes.

Reads are open to every staff role; catalog writes to admins; stock writes to admins
and to warehouse staff at the locations they work at (Location.staff).
"""

import django_filters
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from oms.core.actor import Actor
from oms.core.api.filters import UtcIsoDateTimeFilter
from oms.core.api.mixins import IdempotentCreateMixin
from oms.core.api.pagination import StandardCursorPagination
from oms.core.api.schema import IDEMPOTENCY_KEY, problems
from oms.core.errors import CoreErrorCode, ForbiddenError
from oms.core.idempotency import idempotent
from oms.core.models import Channel
from oms.core.roles import CHANNEL, OMS_ADMIN, STAFF_ROLES, WAREHOUSE, has_role

from .. import selectors, services
from ..models import Location, Sku, StockMovement, normalize_code
from . import serializers as s

STOCK_WRITERS = frozenset({OMS_ADMIN, WAREHOUSE})


class CodeCursorPagination(StandardCursorPagination):
    ordering = "code"
    page_size = 100
    max_page_size = 1000


# --- catalog --------------------------------------------------------------------------


class SkuFilter(django_filters.FilterSet):
    code = django_filters.CharFilter(method="filter_code", help_text="Exact SKU code.")
    barcode = django_filters.CharFilter()
    active = django_filters.BooleanFilter()
    tag = django_filters.CharFilter(method="filter_tag", help_text="SKUs carrying this tag.")

    class Meta:
        model = Sku
        fields = ["code", "barcode", "active", "tag"]

    def filter_code(self, queryset, name, value):
        return queryset.filter(code=normalize_code(value))

    def filter_tag(self, queryset, name, value):
        # select_related(None): `only` may not defer the vendor the list joins.
        tag = value.strip().lower()
        ids = [sku.pk for sku in queryset.select_related(None).only("pk", "tags") if tag in (sku.tags or [])]
        return queryset.filter(pk__in=ids)


@extend_schema_view(
    list=extend_schema(summary="List SKUs", responses={200: s.SkuSerializer, **problems(401, 403)}),
    retrieve=extend_schema(
        summary="One SKU by code", responses={200: s.SkuSerializer, **problems(401, 403, 404)}
    ),
    create=extend_schema(
        summary="Create a SKU (admin)",
        parameters=[IDEMPOTENCY_KEY],
        responses={201: s.SkuSerializer, **problems(400, 401, 403, 422)},
    ),
    update=extend_schema(
        summary="Replace a SKU (admin)", responses={200: s.SkuSerializer, **problems(400, 401, 403, 404)}
    ),
    partial_update=extend_schema(
        summary="Change a SKU (admin)", responses={200: s.SkuSerializer, **problems(400, 401, 403, 404)}
    ),
)
class SkuViewSet(
    IdempotentCreateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    read_roles = STAFF_ROLES
    write_roles = {OMS_ADMIN}
    serializer_class = s.SkuSerializer
    queryset = Sku.objects.select_related("dropship_vendor")
    filterset_class = SkuFilter
    pagination_class = CodeCursorPagination
    lookup_field = "code"
    lookup_value_regex = "[^/]+"

    def get_object(self):
        sku = get_object_or_404(self.get_queryset(), code=normalize_code(self.kwargs["code"]))
        self.check_object_permissions(self.request, sku)
        return sku

    def perform_create(self, serializer):
        serializer.instance = services.sku_create(
            actor=Actor.from_request(self.request), **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.sku_update(
            sku=serializer.instance, actor=Actor.from_request(self.request), **serializer.validated_data
        )


@extend_schema_view(
    list=extend_schema(summary="List locations", responses={200: s.LocationSerializer, **problems(401, 403)}),
    retrieve=extend_schema(
        summary="One location by code", responses={200: s.LocationSerializer, **problems(401, 403, 404)}
    ),
    create=extend_schema(
        summary="Create a location (admin)",
        parameters=[IDEMPOTENCY_KEY],
        responses={201: s.LocationSerializer, **problems(400, 401, 403, 422)},
    ),
    update=extend_schema(
        summary="Replace a location (admin)",
        responses={200: s.LocationSerializer, **problems(400, 401, 403, 404)},
    ),
    partial_update=extend_schema(
        summary="Change a location (admin)",
        responses={200: s.LocationSerializer, **problems(400, 401, 403, 404)},
    ),
)
class LocationViewSet(
    IdempotentCreateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    read_roles = STAFF_ROLES
    write_roles = {OMS_ADMIN}
    serializer_class = s.LocationSerializer
    queryset = Location.objects.prefetch_related("channels")
    filterset_fields = ["kind", "active", "can_ship", "can_pickup", "country_code"]
    pagination_class = CodeCursorPagination
    lookup_field = "code"

    def perform_create(self, serializer):
        serializer.instance = services.location_create(
            actor=Actor.from_request(self.request), **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.location_update(
            location=serializer.instance, actor=Actor.from_request(self.request), **serializer.validated_data
        )


# --- stock levels and the ledger ------------------------------------------------------


class StockLevelFilter(django_filters.FilterSet):
    sku = django_filters.CharFilter(method="filter_sku", help_text="SKU code.")
    location = django_filters.CharFilter(field_name="location__code", help_text="Location code.")

    def filter_sku(self, queryset, name, value):
        return queryset.filter(sku__code=normalize_code(value))


@extend_schema_view(
    list=extend_schema(summary="Stock levels", responses={200: s.StockLevelSerializer, **problems(401, 403)}),
    retrieve=extend_schema(
        summary="One stock level", responses={200: s.StockLevelSerializer, **problems(401, 403, 404)}
    ),
)
class StockLevelViewSet(viewsets.ReadOnlyModelViewSet):
    read_roles = STAFF_ROLES
    serializer_class = s.StockLevelSerializer
    filterset_class = StockLevelFilter

    def get_queryset(self):
        return selectors.stock_levels()


class StockMovementFilter(StockLevelFilter):
    """The stock-level filters (SKU, location) plus kind, dates and reference."""

    kind = django_filters.ChoiceFilter(choices=StockMovement.Kind.choices)
    created_after = UtcIsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = UtcIsoDateTimeFilter(field_name="created_at", lookup_expr="lt")
    reference = django_filters.CharFilter()


@extend_schema_view(
    list=extend_schema(
        summary="The stock ledger", responses={200: s.StockMovementSerializer, **problems(400, 401, 403)}
    ),
    retrieve=extend_schema(
        summary="One ledger row", responses={200: s.StockMovementSerializer, **problems(401, 403, 404)}
    ),
)
class StockMovementViewSet(viewsets.ReadOnlyModelViewSet):
    read_roles = STAFF_ROLES
    serializer_class = s.StockMovementSerializer
    filterset_class = StockMovementFilter

    def get_queryset(self):
        return selectors.stock_movements()


# --- availability ---------------------------------------------------------------------


def _own_channel(request) -> Channel | None:
    """The channel calling with its own token, if it is one."""
    return getattr(getattr(request, "user", None), "channel", None)


#: The three row shapes of /availability/ (anyOf: a per-SKU row is also a valid channel row).
AVAILABILITY_ROWS = PolymorphicProxySerializer(
    component_name="AvailabilityRow",
    serializers=[s.SkuAvailabilitySerializer, s.StockLevelSerializer, s.ChannelAvailabilitySerializer],
    resource_type_field_name=None,
    many=True,
)


class AvailabilityView(GenericAPIView):
    """Available units per SKU over all active locations, per location (`?location=`),
    or what one channel may sell (`?channel=`: its locations minus its buffer). A channel's
    token reads its own feed only."""

    read_roles = STAFF_ROLES | {CHANNEL}
    pagination_class = CodeCursorPagination
    filter_backends: list = []

    def get_serializer_class(self):
        params = self.request.query_params if getattr(self, "request", None) else {}
        if params.get("channel") or _own_channel(getattr(self, "request", None)):
            return s.ChannelAvailabilitySerializer
        if params.get("location"):
            return s.StockLevelSerializer
        return s.SkuAvailabilitySerializer

    def get_queryset(self):
        params = self.request.query_params
        codes = [normalize_code(code) for code in params.get("sku", "").split(",") if code.strip()]
        skus = Sku.objects.filter(code__in=codes) if codes else None
        own = _own_channel(self.request)
        if own is not None:
            if params.get("location") or params.get("channel", own.code) != own.code:
                raise ForbiddenError(
                    CoreErrorCode.NOT_ALLOWED,
                    f"Channel {own.code} reads its own availability feed only.",
                    details={"channel": own.code},
                )
            return selectors.availability_for_channel(own, skus=skus)
        if params.get("channel"):
            channel = Channel.objects.filter(code=params["channel"]).first()
            if channel is None:
                raise exceptions.ValidationError({"channel": [f"Unknown channel {params['channel']}."]})
            return selectors.availability_for_channel(channel, skus=skus)
        if params.get("location"):
            location = Location.objects.filter(code=params["location"]).first()
            if location is None:
                raise exceptions.ValidationError({"location": [f"Unknown location {params['location']}."]})
            return selectors.availability_by_location(skus=skus, locations=[location])
        return selectors.availability_by_sku(skus=skus)

    @extend_schema(
        summary="Available to sell",
        parameters=[
            OpenApiParameter(
                "channel",
                OpenApiTypes.STR,
                description="Channel code: that channel's feed (a channel's own token: always its own).",
            ),
            OpenApiParameter("location", OpenApiTypes.STR, description="Location code: per-location rows."),
            OpenApiParameter("sku", OpenApiTypes.STR, description="Comma-separated SKU codes."),
        ],
        description="A page of rows in one of three shapes: per SKU over all active locations "
        "(no filter), per stock level (`?location=`), or what a channel may sell (`?channel=`, and "
        "always for a channel's own token).",
        responses={200: AVAILABILITY_ROWS, **problems(400, 401, 403, 404)},
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


# --- stock writes ---------------------------------------------------------------------


def assert_works_at(user, *locations: Location) -> None:
    """Admins act anywhere; warehouse staff only at the locations they work at."""
    if has_role(user, OMS_ADMIN):
        return
    allowed = set(user.work_locations.values_list("pk", flat=True))
    for location in locations:
        if location.pk not in allowed:
            raise exceptions.PermissionDenied(f"You do not work at {location.code}.")


def movements_response(movements) -> Response:
    rows = selectors.stock_movements().filter(pk__in=[m.pk for m in movements]).order_by("id")
    return Response(s.StockWriteResultSerializer({"movements": rows}).data, status=status.HTTP_201_CREATED)


class StockWriteView(APIView):
    write_roles = STOCK_WRITERS
    serializer_class: type

    def post(self, request):
        def handle():
            serializer = self.serializer_class(data=request.data)
            serializer.is_valid(raise_exception=True)
            return movements_response(self.perform(serializer.validated_data, Actor.from_request(request)))

        return idempotent(request, handle)


def _write_schema(summary: str, request_serializer, *refusals: int):
    return extend_schema(
        summary=summary,
        request=request_serializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: s.StockWriteResultSerializer, **problems(400, 401, 403, *refusals)},
    )


class ReceiptView(StockWriteView):
    """Goods arrived at a location: on hand goes up, backorders may be filled."""

    serializer_class = s.ReceiptSerializer

    @_write_schema("Receive stock", s.ReceiptSerializer, 422)
    def post(self, request):
        return super().post(request)

    def perform(self, data, actor):
        assert_works_at(self.request.user, data["location"])
        lines = [
            services.StockLine(line["sku"], data["location"], line["quantity"]) for line in data["lines"]
        ]
        return services.stock_receive(lines=lines, actor=actor, reference=data["reference"])


class AdjustmentView(StockWriteView):
    """Correct on hand by a delta (damage, found stock); a reason is required."""

    serializer_class = s.AdjustmentSerializer

    @_write_schema("Adjust stock", s.AdjustmentSerializer, 422)
    def post(self, request):
        return super().post(request)

    def perform(self, data, actor):
        assert_works_at(self.request.user, data["location"])
        movement = services.stock_adjust(
            sku=data["sku"],
            location=data["location"],
            delta=data["delta"],
            reason=data["reason"],
            actor=actor,
            reference=data["reference"],
        )
        return [movement]


class CountView(StockWriteView):
    """A cycle count: on hand becomes what was counted; differences go to the ledger."""

    serializer_class = s.CountSerializer

    @_write_schema("Count stock", s.CountSerializer, 422)
    def post(self, request):
        return super().post(request)

    def perform(self, data, actor):
        assert_works_at(self.request.user, data["location"])
        lines = [services.StockLine(line["sku"], data["location"], line["counted"]) for line in data["lines"]]
        return services.stock_count(lines=lines, actor=actor, reference=data["reference"])
