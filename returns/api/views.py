"""Returns API: create, list, detail and the actions on one RMA (authorize, reject, cancel,
tracking, receive, refund, exchange).

Views only validate, authorize and call returns.services; every POST runs through
oms.core.idempotency.idempotent (Idempotency-Key header).
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from oms.core.actor import Actor
from oms.core.api.schema import IDEMPOTENCY_KEY, problems
from oms.core.idempotency import idempotent
from oms.core.roles import CHANNEL, CUSTOMER_SERVICE, OMS_ADMIN, WAREHOUSE
from orders.models import Order

from .. import selectors, services
from ..errors import ReturnError, ReturnErrorCode, ReturnForbidden
from ..models import ReturnAuthorization
from . import examples
from . import serializers as s

AGENTS = frozenset({CUSTOMER_SERVICE, OMS_ADMIN})
READERS = AGENTS | {WAREHOUSE, CHANNEL}


class ListParamsSerializer(serializers.Serializer):
    status = serializers.ListField(
        child=serializers.ChoiceField(choices=ReturnAuthorization.Status.choices), required=False
    )
    q = serializers.CharField(required=False, allow_blank=True, max_length=100)


def _action_schema(request_serializer, summary: str, *, example=None, codes=(400, 401, 403, 404, 409, 422)):
    return extend_schema(
        summary=summary,
        request=request_serializer,
        responses={200: s.ReturnDetailSerializer, **problems(*codes)},
        parameters=[IDEMPOTENCY_KEY],
        examples=example or [],
    )


def order_lines_by_id(order: Order, lines: list[dict]) -> list[dict]:
    by_number = dict(order.lines.values_list("line_number", "pk"))
    result = []
    for index, line in enumerate(lines):
        order_line = line.get("order_line")
        if order_line is None:
            order_line = by_number.get(line["line_number"])
            if order_line is None:
                raise ReturnError(
                    ReturnErrorCode.LINE_NOT_ON_ORDER,
                    f"Line {index + 1}: order {order.number} has no line {line['line_number']}.",
                    details={"index": index, "line_number": line["line_number"]},
                )
        result.append(
            {
                "order_line": order_line,
                "quantity": line["quantity"],
                "reason_code": line["reason_code"],
                "comment": line["comment"],
            }
        )
    return result


@extend_schema_view(
    list=extend_schema(
        summary="List returns (newest first)",
        parameters=[
            OpenApiParameter("status", enum=ReturnAuthorization.Status.values, many=True),
            OpenApiParameter(
                "q", description="RMA number, order number, external id or return tracking number."
            ),
        ],
        responses={200: s.ReturnListSerializer(many=True), **problems(400, 401, 403)},
    ),
    retrieve=extend_schema(
        summary="A return with its lines, receipts and refunds",
        responses={200: s.ReturnDetailSerializer, **problems(401, 403, 404)},
    ),
)
class ReturnViewSet(viewsets.GenericViewSet):
    lookup_field = "number"
    lookup_value_regex = "[^/]+"
    serializer_class = s.ReturnDetailSerializer
    action_roles = {
        "list": READERS,
        "retrieve": READERS,
        "create": AGENTS | {CHANNEL},
        "authorize": AGENTS,
        "reject": AGENTS,
        "cancel": AGENTS,
        "tracking": AGENTS | {CHANNEL},
        "receive": {WAREHOUSE, OMS_ADMIN},
        "refund": AGENTS,
        "resend_refund": AGENTS,
        "exchange": AGENTS,
    }

    def get_queryset(self):
        return selectors.return_detail_queryset(self.request.user)

    def get_object(self) -> ReturnAuthorization:
        return get_object_or_404(
            selectors.visible_returns(self.request.user), number=self.kwargs["number"].upper()
        )

    def _detail(self, rma: ReturnAuthorization, status_code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=rma.pk)
        return Response(s.ReturnDetailSerializer(fresh).data, status=status_code)

    @staticmethod
    def _valid(serializer_class, request) -> dict:
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _act(self, request, serializer_class, run) -> Response:
        """Validate, then run(rma, data, actor) once per Idempotency-Key; answer with the RMA."""
        rma = self.get_object()
        data = self._valid(serializer_class, request) if serializer_class else {}

        def handler():
            return self._detail(run(rma, data, Actor.from_request(request)) or rma)

        return idempotent(request, handler)

    def list(self, request):
        params = ListParamsSerializer(
            data={"status": request.query_params.getlist("status"), "q": request.query_params.get("q", "")}
        )
        params.is_valid(raise_exception=True)
        queryset = selectors.return_list(request.user, **params.validated_data)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(s.ReturnListSerializer(page, many=True).data)

    def retrieve(self, request, number=None):
        rma = get_object_or_404(self.get_queryset(), number=number.upper())
        return Response(s.ReturnDetailSerializer(rma).data)

    @extend_schema(
        summary="Request a return of shipped units",
        description="Customer service, or a channel for its own orders. Only units shipped, not returned "
        "and not on another open return can be asked for; a refusal names the line and the numbers.",
        request=s.ReturnCreateSerializer,
        responses={201: s.ReturnDetailSerializer, **problems(400, 401, 403, 404, 409, 422)},
        parameters=[IDEMPOTENCY_KEY],
        examples=examples.CREATE,
    )
    def create(self, request):
        data = self._valid(s.ReturnCreateSerializer, request)
        orders = Order.objects.all()
        channel = getattr(request.user, "channel", None)
        if channel is not None:  # a channel sees its own orders only: others answer 404
            orders = orders.filter(channel=channel)
        order = get_object_or_404(orders, number=data["order"].strip().upper())
        lines = order_lines_by_id(order, data["lines"])

        def handler():
            rma = services.return_create(
                order=order,
                lines=lines,
                actor=Actor.from_request(request),
                carrier=data["carrier"],
                tracking_number=data["tracking_number"],
                notes=data["notes"],
            )
            return self._detail(rma, status.HTTP_201_CREATED)

        return idempotent(request, handler)

    @_action_schema(s.AuthorizeSerializer, "Authorize a requested return", example=examples.AUTHORIZE)
    @action(detail=True, methods=["post"])
    def authorize(self, request, number=None):
        return self._act(
            request,
            s.AuthorizeSerializer,
            lambda rma, data, actor: services.return_authorize(
                rma=rma, actor=actor, receiving_location=data.get("receiving_location"), notes=data["notes"]
            ),
        )

    @_action_schema(s.ReturnReasonSerializer, "Reject a requested return (a reason is required)")
    @action(detail=True, methods=["post"])
    def reject(self, request, number=None):
        return self._act(
            request,
            s.ReturnReasonSerializer,
            lambda rma, data, actor: services.return_reject(rma=rma, reason=data["reason"], actor=actor),
        )

    @_action_schema(s.ReturnCancelSerializer, "Cancel a return before anything was received")
    @action(detail=True, methods=["post"])
    def cancel(self, request, number=None):
        return self._act(
            request,
            s.ReturnCancelSerializer,
            lambda rma, data, actor: services.return_cancel(rma=rma, actor=actor, reason=data["reason"]),
        )

    @_action_schema(s.TrackingSerializer, "Set the carrier and tracking number of the parcel coming back")
    @action(detail=True, methods=["post"])
    def tracking(self, request, number=None):
        return self._act(
            request,
            s.TrackingSerializer,
            lambda rma, data, actor: services.return_update_tracking(
                rma=rma, carrier=data["carrier"], tracking_number=data["tracking_number"], actor=actor
            ),
        )

    @_action_schema(
        s.ReceiveSerializer,
        "Receive and inspect goods, line by line (warehouse staff of that location)",
        example=examples.RECEIVE,
    )
    @action(detail=True, methods=["post"])
    def receive(self, request, number=None):
        rma = self.get_object()
        data = self._valid(s.ReceiveSerializer, request)
        location = data["location"]
        if not selectors.may_receive_at(request.user, location):
            raise ReturnForbidden(
                ReturnErrorCode.LOCATION_NOT_ALLOWED,
                f"You do not work at {location.code}; receive returns at your own location.",
            )

        def handler():
            services.return_receive(
                rma=rma, location=location, lines=data["lines"], actor=Actor.from_request(request)
            )
            return self._detail(rma)

        return idempotent(request, handler)

    @_action_schema(s.RefundRequestSerializer, "Refund received units", example=examples.REFUND)
    @action(detail=True, methods=["post"])
    def refund(self, request, number=None):
        def run(rma, data, actor):
            services.return_refund(
                rma=rma,
                lines=data["lines"],
                include_shipping=data["include_shipping"],
                restocking_fee=data["restocking_fee"],
                actor=actor,
            )

        return self._act(request, s.RefundRequestSerializer, run)

    @_action_schema(s.ResendRefundSerializer, "Send a failed refund to the channel again")
    @action(detail=True, methods=["post"], url_path="resend-refund")
    def resend_refund(self, request, number=None):
        def run(rma, data, actor):
            refund = get_object_or_404(rma.refunds.all(), pk=data["refund"])
            services.refund_resend(refund=refund, actor=actor)

        return self._act(request, s.ResendRefundSerializer, run)

    @_action_schema(
        s.ExchangeSerializer,
        "Exchange: create a replacement order linked to the return",
        example=examples.EXCHANGE,
    )
    @action(detail=True, methods=["post"])
    def exchange(self, request, number=None):
        def run(rma, data, actor):
            services.return_exchange(rma=rma, lines=data["lines"], actor=actor)

        return self._act(request, s.ExchangeSerializer, run)
