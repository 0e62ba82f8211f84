"""Orders API: intake, search, detail and the actions customer service and channels take.

Views only validate, authorize and call orders.services; every POST runs through
oms.core.idempotency.idempotent (Idempotency-Key header).
"""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from oms.core.actor import Actor
from oms.core.api.pagination import StandardCursorPagination
from oms.core.api.schema import IDEMPOTENCY_KEY, problems
from oms.core.errors import ForbiddenError
from oms.core.idempotency import idempotent
from oms.core.models import Channel
from oms.core.roles import CHANNEL, CUSTOMER_SERVICE, OMS_ADMIN

from .. import services
from ..errors import OrderErrorCode
from ..models import Hold, Order
from ..selectors import order_as_written, order_detail_queryset, order_search
from . import serializers as s
from .examples import INTAKE_EXAMPLES
from .intake import validate_order_document

AGENTS = frozenset({CUSTOMER_SERVICE, OMS_ADMIN})


class OrderCursorPagination(StandardCursorPagination):
    ordering = ("-placed_at", "-id")


class SearchParamsSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=200)
    status = serializers.ChoiceField(choices=Order.Status.choices, required=False)
    payment_status = serializers.ChoiceField(choices=Order.PaymentStatus.choices, required=False)
    channel = serializers.SlugField(required=False)
    hold = serializers.ChoiceField(choices=[*Hold.Kind.values, "any"], required=False)
    placed_from = serializers.DateTimeField(required=False)
    placed_to = serializers.DateTimeField(required=False)


SEARCH_PARAMETERS = [
    OpenApiParameter(
        "q",
        description="Order number (with or without OMS-), external id, customer email (prefix), phone "
        "(digits prefix), name (prefix), SKU code, shipment tracking number or RMA number.",
    ),
    OpenApiParameter("status", enum=Order.Status.values),
    OpenApiParameter("payment_status", enum=Order.PaymentStatus.values),
    OpenApiParameter("channel", description="Channel code."),
    OpenApiParameter("hold", enum=[*Hold.Kind.values, "any"], description="Has an open hold of this kind."),
    OpenApiParameter("placed_from", type=str, description="ISO 8601; inclusive."),
    OpenApiParameter("placed_to", type=str, description="ISO 8601; exclusive."),
]


def _action_schema(request_serializer, summary: str, *, codes=(400, 401, 403, 404, 409, 422)):
    return extend_schema(
        summary=summary,
        request=request_serializer,
        responses={200: s.OrderDetailSerializer, **problems(*codes)},
        parameters=[IDEMPOTENCY_KEY],
    )


@extend_schema_view(
    list=extend_schema(
        summary="Search orders",
        parameters=SEARCH_PARAMETERS,
        responses={200: s.OrderListSerializer(many=True), **problems(400, 401, 403)},
    ),
    retrieve=extend_schema(
        summary="An order with lines, holds and timeline",
        responses={200: s.OrderDetailSerializer, **problems(401, 403, 404)},
    ),
)
class OrderViewSet(viewsets.GenericViewSet):
    lookup_field = "number"
    lookup_value_regex = "[^/]+"
    pagination_class = OrderCursorPagination
    serializer_class = s.OrderDetailSerializer
    action_roles = {
        "list": AGENTS | {CHANNEL},
        "retrieve": AGENTS | {CHANNEL},
        "create": AGENTS | {CHANNEL},
        "hold": AGENTS,
        "release": AGENTS,
        "cancel": AGENTS,
        "cancel_lines": AGENTS,
        "edit_address": AGENTS,
        "edit_lines": AGENTS,
        "notes": AGENTS,
        "payment": AGENTS | {CHANNEL},
        "anonymize": {OMS_ADMIN},
    }

    def get_queryset(self):
        orders = order_detail_queryset()
        channel = getattr(self.request.user, "channel", None)
        if channel is not None:  # a channel sees its own orders only
            orders = orders.filter(channel=channel)
        return orders

    def get_object(self) -> Order:
        return get_object_or_404(self.get_queryset(), number=self.kwargs["number"].upper())

    def _detail(self, order: Order, status_code: int = status.HTTP_200_OK, headers=None) -> Response:
        fresh = order_detail_queryset().get(pk=order.pk)
        return Response(s.OrderDetailSerializer(fresh).data, status=status_code, headers=headers)

    @staticmethod
    def _valid(serializer_class, request) -> dict:
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _act(self, request, serializer_class, run) -> Response:
        """Validate the body, run `run(order, data, actor)` idempotently, answer the order."""
        order = self.get_object()

        def handler():
            data = self._valid(serializer_class, request) if serializer_class else {}
            return self._detail(run(order, data, Actor.from_request(request)) or order)

        return idempotent(request, handler)

    # --- read ------------------------------------------------------------------------

    def list(self, request):
        params = SearchParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        filters = dict(params.validated_data)
        orders = order_search(filters.pop("q", ""), filters)
        channel = getattr(request.user, "channel", None)
        if channel is not None:  # a channel reads its own orders only
            orders = orders.filter(channel=channel)
        page = self.paginate_queryset(orders)
        return self.get_paginated_response(s.OrderListSerializer(page, many=True).data)

    def retrieve(self, request, number=None):
        return Response(s.OrderDetailSerializer(self.get_object()).data)

    # --- intake ------------------------------------------------------------------------

    @extend_schema(
        summary="Post an order (intake)",
        description="Malformed input: 400 with field errors and nothing created. Well-formed input that "
        "cannot be processed as is (unknown or inactive SKU, incomplete address, totals that do not add "
        "up, unknown pickup location) is accepted on an `exception` hold. A second post of the same "
        "(channel, external_id) answers 200 with the existing order; an `Idempotency-Key` replay "
        "answers the first response.",
        request=s.OrderIntakeSerializer,
        responses={
            201: OpenApiResponse(s.OrderDetailSerializer, description="Accepted (maybe on hold)."),
            200: OpenApiResponse(
                s.OrderDetailSerializer, description="Already received: the existing order."
            ),
            **problems(400, 401, 403, 422),
        },
        parameters=[IDEMPOTENCY_KEY],
        examples=INTAKE_EXAMPLES,
    )
    def create(self, request):
        def handler():
            data = validate_order_document(request.data)
            channel = _intake_channel(request, data)
            order, created = services.order_intake(
                data=data, channel=channel, actor=Actor.from_request(request)
            )
            headers = {"Location": reverse("api:order-detail", kwargs={"number": order.number})}
            if created:  # intake hands the new order back whole: no query to show it
                data = s.OrderDetailSerializer(order_as_written(order)).data
                return Response(data, status.HTTP_201_CREATED, headers=headers)
            return self._detail(order, status.HTTP_200_OK, headers)

        return idempotent(request, handler)

    # --- actions -----------------------------------------------------------------------

    @_action_schema(s.HoldRequestSerializer, "Put the order on hold")
    @action(detail=True, methods=["post"])
    def hold(self, request, number=None):
        def run(order, data, actor):
            services.order_hold(order=order, kind=data["kind"], reason=data["reason"], actor=actor)

        return self._act(request, s.HoldRequestSerializer, run)

    @_action_schema(s.ReleaseRequestSerializer, "Release a hold (a reason is required)")
    @action(detail=True, methods=["post"], url_path=r"holds/(?P<hold_id>\d+)/release")
    def release(self, request, number=None, hold_id=None):
        def run(order, data, actor):
            return services.order_release_hold(
                order=order,
                hold_id=int(hold_id),
                actor=actor,
                reason=data["reason"],
                override=data["override"],
            )

        return self._act(request, s.ReleaseRequestSerializer, run)

    @_action_schema(s.ReasonSerializer, "Cancel everything still open")
    @action(detail=True, methods=["post"])
    def cancel(self, request, number=None):
        def run(order, data, actor):
            return services.order_cancel(order=order, reason=data["reason"], actor=actor)

        return self._act(request, s.ReasonSerializer, run)

    @_action_schema(s.CancelLinesRequestSerializer, "Cancel line quantities that have not shipped")
    @action(detail=True, methods=["post"], url_path="cancel-lines")
    def cancel_lines(self, request, number=None):
        def run(order, data, actor):
            quantities = {line["line_id"]: line["quantity"] for line in data["lines"]}
            return services.order_cancel_lines(
                order=order, quantities=quantities, reason=data["reason"], actor=actor
            )

        return self._act(request, s.CancelLinesRequestSerializer, run)

    @_action_schema(s.EditAddressRequestSerializer, "Change the shipping address (or pickup location)")
    @action(detail=True, methods=["post"], url_path="edit-address")
    def edit_address(self, request, number=None):
        def run(order, data, actor):
            return services.order_edit_address(
                order=order,
                address=data.get("shipping_address"),
                pickup_location=data.get("pickup_location"),
                delivery_method=data.get("delivery_method"),
                reason=data["reason"],
                actor=actor,
            )

        return self._act(request, s.EditAddressRequestSerializer, run)

    @_action_schema(s.EditLinesRequestSerializer, "Change, add or remove lines")
    @action(detail=True, methods=["post"], url_path="edit-lines")
    def edit_lines(self, request, number=None):
        def run(order, data, actor):
            return services.order_edit_lines(
                order=order,
                update=data["update"],
                add=data["add"],
                remove=data["remove"],
                reason=data["reason"],
                actor=actor,
            )

        return self._act(request, s.EditLinesRequestSerializer, run)

    @_action_schema(s.NoteRequestSerializer, "Add a note to the timeline", codes=(400, 401, 403, 404, 422))
    @action(detail=True, methods=["post"])
    def notes(self, request, number=None):
        def run(order, data, actor):
            services.order_add_note(order=order, message=data["message"], actor=actor)

        return self._act(request, s.NoteRequestSerializer, run)

    @_action_schema(s.PaymentRequestSerializer, "Report the payment status (authorized, paid, voided)")
    @action(detail=True, methods=["post"])
    def payment(self, request, number=None):
        def run(order, data, actor):
            return services.order_update_payment(
                order=order, status=data["status"], reference=data["reference"], actor=actor
            )

        return self._act(request, s.PaymentRequestSerializer, run)

    @_action_schema(s.OptionalReasonSerializer, "Anonymize the customer's personal data")
    @action(detail=True, methods=["post"])
    def anonymize(self, request, number=None):
        def run(order, data, actor):
            return services.order_anonymize(order=order, actor=actor, reason=data["reason"])

        return self._act(request, s.OptionalReasonSerializer, run)


def _intake_channel(request, data: dict) -> Channel:
    """A channel posts for itself; an agent (call center) names the channel."""
    code = data.get("channel")
    own = getattr(request.user, "channel", None)
    if own is not None:
        if code and code != own.code:
            raise ForbiddenError(
                OrderErrorCode.CHANNEL_MISMATCH,
                f"Channel {own.code} may only post its own orders, not {code}'s.",
            )
        return own
    if not code:
        raise serializers.ValidationError({"channel": ["This field is required."]}, code="required")
    channel = Channel.objects.filter(code=code, active=True).first()
    if channel is None:
        raise serializers.ValidationError(
            {"channel": [f"Unknown or inactive channel {code!r}."]}, code="invalid"
        )
    return channel
