"""Inbox API: the documents channels sent (linked from each order), a manual import, a replay."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404  # a malformed id is 404, not a ValueError
from rest_framework.response import Response

from oms.core.actor import Actor
from oms.core.api.inputs import raw_text_body
from oms.core.api.pagination import StandardCursorPagination
from oms.core.api.schema import IDEMPOTENCY_KEY, problems
from oms.core.errors import DomainError, ForbiddenError
from oms.core.idempotency import idempotent
from oms.core.models import Channel
from oms.core.roles import CHANNEL, CUSTOMER_SERVICE, OMS_ADMIN
from orders.api.examples import WEB_ORDER

from . import services
from .models import InboxDocument

AGENTS = frozenset({CUSTOMER_SERVICE, OMS_ADMIN})


class InboxDocumentSerializer(serializers.ModelSerializer):
    channel = serializers.SlugRelatedField(slug_field="code", read_only=True)
    order = serializers.SlugRelatedField(slug_field="number", read_only=True, allow_null=True)

    class Meta:
        model = InboxDocument
        fields = [
            "id",
            "channel",
            "source",
            "topic",
            "delivery_id",
            "received_at",
            "times_received",
            "status",
            "outcome",
            "attempts",
            "error",
            "processed_at",
            "external_id",
            "order",
        ]
        read_only_fields = fields


class InboxDocumentDetailSerializer(InboxDocumentSerializer):
    class Meta(InboxDocumentSerializer.Meta):
        fields = [*InboxDocumentSerializer.Meta.fields, "content_type", "headers", "body", "corrected_body"]
        read_only_fields = fields


class ListParamsSerializer(serializers.Serializer):
    order = serializers.CharField(required=False, max_length=20)
    channel = serializers.SlugField(required=False, max_length=40)
    status = serializers.ChoiceField(choices=InboxDocument.Status.choices, required=False)
    external_id = serializers.CharField(required=False, max_length=100)


class ImportParamsSerializer(serializers.Serializer):
    channel = serializers.SlugField(required=False, max_length=40)
    topic = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")
    delivery_id = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


LIST_PARAMETERS = [
    OpenApiParameter("order", description="Order number: the documents of one order."),
    OpenApiParameter("channel", description="Channel code."),
    OpenApiParameter("status", enum=InboxDocument.Status.values),
    OpenApiParameter("external_id", description="The order's id in the channel."),
]
IMPORT_PARAMETERS = [
    OpenApiParameter(
        "channel", description="Channel code; optional when a channel posts with its own token."
    ),
    OpenApiParameter(
        "topic", description='What the document is, in the channel\'s words ("orders/updated").'
    ),
    OpenApiParameter(
        "delivery_id", description="The channel's id of this delivery: a repeat creates nothing."
    ),
    IDEMPOTENCY_KEY,
]


class InboxPagination(StandardCursorPagination):
    ordering = ("-received_at", "-id")


@extend_schema_view(
    list=extend_schema(
        summary="Channel documents received",
        parameters=LIST_PARAMETERS,
        responses={200: InboxDocumentSerializer(many=True), **problems(400, 401, 403)},
    ),
    retrieve=extend_schema(
        summary="A channel document, raw, with its error",
        responses={200: InboxDocumentDetailSerializer, **problems(401, 403, 404)},
    ),
)
class InboxDocumentViewSet(viewsets.GenericViewSet):
    pagination_class = InboxPagination
    serializer_class = InboxDocumentDetailSerializer
    action_roles = {
        "list": AGENTS | {CHANNEL},
        "retrieve": AGENTS | {CHANNEL},
        "create": AGENTS | {CHANNEL},
        "replay": {OMS_ADMIN},
    }

    def get_queryset(self):
        documents = InboxDocument.objects.select_related("channel", "order")
        channel = getattr(self.request.user, "channel", None)
        if channel is not None:  # a channel sees its own documents only
            documents = documents.filter(channel=channel)
        return documents

    def list(self, request):
        params = ListParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        filters = params.validated_data
        documents = self.get_queryset()
        if filters.get("order"):
            documents = documents.filter(order__number=filters["order"].upper())
        if filters.get("channel"):
            documents = documents.filter(channel__code=filters["channel"])
        if filters.get("status"):
            documents = documents.filter(status=filters["status"])
        if filters.get("external_id"):
            documents = documents.filter(external_id=filters["external_id"])
        page = self.paginate_queryset(documents)
        return self.get_paginated_response(InboxDocumentSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        document = get_object_or_404(self.get_queryset(), pk=pk)
        return Response(InboxDocumentDetailSerializer(document).data)

    @extend_schema(
        summary="Import a channel document (stored raw, then processed)",
        description="The body is the channel's own document, stored exactly as sent with its headers, "
        "then processed by a task into an order (new or updated) through the channel's adapter; a "
        "channel on the `manual` adapter sends the normalized order of `POST /orders/`. Answers 202 with "
        "the inbox entry (read it again, or the order's documents, to see the outcome); the same "
        "delivery id or the same document again answers 200 with the first entry and creates nothing.",
        parameters=IMPORT_PARAMETERS,
        request={"application/json": OpenApiTypes.OBJECT},
        examples=[OpenApiExample("A normalized order (manual adapter)", value=WEB_ORDER, request_only=True)],
        responses={
            202: OpenApiResponse(InboxDocumentSerializer, description="Stored; processing follows."),
            200: OpenApiResponse(InboxDocumentSerializer, description="Already received: nothing created."),
            **problems(400, 401, 403, 422),
        },
    )
    def create(self, request):
        raw = raw_text_body(request)
        params = ImportParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        channel = _import_channel(request, params.validated_data.get("channel"))

        def handler():
            document, created = services.inbox_receive(
                channel=channel,
                source=InboxDocument.Source.IMPORT,
                body=raw,
                headers=dict(request.headers),
                topic=params.validated_data["topic"],
                delivery_id=params.validated_data["delivery_id"],
                content_type=request.content_type or "",
            )
            code = status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK
            return Response(InboxDocumentSerializer(document).data, status=code)

        return idempotent(request, handler)

    @extend_schema(
        summary="Process a document again (after its error was fixed)",
        request=None,
        responses={202: InboxDocumentSerializer, **problems(401, 403, 404)},
        parameters=[IDEMPOTENCY_KEY],
    )
    @action(detail=True, methods=["post"])
    def replay(self, request, pk=None):
        document = get_object_or_404(self.get_queryset(), pk=pk)

        def handler():
            replayed = services.inbox_replay(document=document, actor=Actor.from_request(request))
            return Response(InboxDocumentSerializer(replayed).data, status=status.HTTP_202_ACCEPTED)

        return idempotent(request, handler)


def _import_channel(request, code: str | None) -> Channel:
    own = getattr(request.user, "channel", None)
    if own is not None:
        if code and code != own.code:
            raise ForbiddenError("not_allowed", "A channel imports its own documents only.")
        return own
    channel = Channel.objects.filter(code=code, active=True).first() if code else None
    if channel is None:
        raise DomainError("unknown_channel", f"Name an active channel (?channel=...), not {code!r}.")
    return channel
