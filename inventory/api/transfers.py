"""Transfers API: dispatch from a location, list and read them, receive at the destination,
cancel at the source. Who may act where is checked by inventory.services (warehouse staff at
the locations they work at); the role gate here only keeps out who never may."""

import django_filters
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from oms.core.actor import Actor
from oms.core.api.schema import IDEMPOTENCY_KEY, problems
from oms.core.idempotency import idempotent
from oms.core.roles import OMS_ADMIN, STAFF_ROLES, WAREHOUSE

from .. import selectors, services
from ..models import Transfer
from . import serializers as s

STOCK_WRITERS = frozenset({OMS_ADMIN, WAREHOUSE})


class TransferFilter(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(choices=Transfer.State.choices)
    from_location = django_filters.CharFilter(field_name="from_location__code", help_text="Location code.")
    to_location = django_filters.CharFilter(field_name="to_location__code", help_text="Location code.")
    sku = django_filters.CharFilter(field_name="sku__code", help_text="SKU code.")

    class Meta:
        model = Transfer
        fields = ["state", "from_location", "to_location", "sku"]


def _action_schema(request, summary: str):
    return extend_schema(
        summary=summary,
        request=request,
        parameters=[IDEMPOTENCY_KEY],
        responses={200: s.TransferOutSerializer, **problems(400, 401, 403, 404, 409, 422)},
    )


@extend_schema_view(
    list=extend_schema(
        summary="Transfers (warehouse staff: those out of and into their locations)",
        responses={200: s.TransferOutSerializer, **problems(400, 401, 403)},
    ),
    retrieve=extend_schema(
        summary="One transfer with its ledger rows",
        responses={200: s.TransferOutSerializer, **problems(401, 403, 404)},
    ),
)
class TransferViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.TransferOutSerializer
    filterset_class = TransferFilter
    lookup_field = "number"
    lookup_value_regex = "[^/]+"
    read_roles = STAFF_ROLES
    action_roles = {"create": STOCK_WRITERS, "receive": STOCK_WRITERS, "cancel": STOCK_WRITERS}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Transfer.objects.none()
        return selectors.transfers_visible_to(self.request.user)

    def get_object(self) -> Transfer:
        return get_object_or_404(self.get_queryset(), number=self.kwargs["number"].strip().upper())

    def _answer(self, transfer: Transfer, status_code=status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().filter(pk=transfer.pk).first() or transfer
        return Response(s.TransferOutSerializer(fresh).data, status=status_code)

    @extend_schema(
        summary="Send stock to another location (it arrives when the destination receives it)",
        request=s.TransferSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: s.TransferOutSerializer, **problems(400, 401, 403, 409, 422)},
    )
    def create(self, request):
        def handler():
            serializer = s.TransferSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
            transfer = services.transfer_dispatch(
                sku=data["sku"],
                from_location=data["from_location"],
                to_location=data["to_location"],
                quantity=data["quantity"],
                actor=Actor.from_request(request),
                reference=data["reference"],
            )
            return self._answer(transfer, status.HTTP_201_CREATED)

        return idempotent(request, handler)

    @_action_schema(s.TransferReceiveSerializer, "Receive a transfer at its destination")
    @action(detail=True, methods=["post"])
    def receive(self, request, number=None):
        transfer = self.get_object()

        def handler():
            serializer = s.TransferReceiveSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            received = services.transfer_receive(
                transfer=transfer,
                actor=Actor.from_request(request),
                quantity=serializer.validated_data.get("quantity"),
                note=serializer.validated_data["note"],
            )
            return self._answer(received)

        return idempotent(request, handler)

    @_action_schema(s.TransferCancelSerializer, "Cancel a transfer still in transit (back at the source)")
    @action(detail=True, methods=["post"])
    def cancel(self, request, number=None):
        transfer = self.get_object()

        def handler():
            serializer = s.TransferCancelSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            cancelled = services.transfer_cancel(
                transfer=transfer,
                actor=Actor.from_request(request),
                reason=serializer.validated_data["reason"],
            )
            return self._answer(cancelled)

        return idempotent(request, handler)
