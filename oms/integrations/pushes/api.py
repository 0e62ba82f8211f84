"""Channel pushes API (customer service and admins): what was told to each channel, and a retry
of a failed push."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from oms.core.actor import Actor
from oms.core.api.pagination import StandardCursorPagination
from oms.core.api.schema import IDEMPOTENCY_KEY, problems
from oms.core.idempotency import idempotent
from oms.core.roles import CUSTOMER_SERVICE, OMS_ADMIN

from . import services
from .models import ChannelPush

AGENTS = frozenset({CUSTOMER_SERVICE, OMS_ADMIN})


class ChannelPushSerializer(serializers.ModelSerializer):
    channel = serializers.SlugRelatedField(slug_field="code", read_only=True)
    order = serializers.SlugRelatedField(slug_field="number", read_only=True)

    class Meta:
        model = ChannelPush
        fields = [
            "id",
            "channel",
            "order",
            "kind",
            "aggregate",
            "push_id",
            "status",
            "attempts",
            "next_attempt_at",
            "reference",
            "last_status_code",
            "last_error",
            "payload",
            "created_at",
            "sent_at",
            "failed_at",
        ]
        read_only_fields = fields


class ListParamsSerializer(serializers.Serializer):
    order = serializers.CharField(required=False, max_length=20)
    channel = serializers.SlugField(required=False, max_length=40)
    status = serializers.ChoiceField(choices=ChannelPush.Status.choices, required=False)
    kind = serializers.ChoiceField(choices=ChannelPush.Kind.choices, required=False)


class PushPagination(StandardCursorPagination):
    ordering = ("-created_at", "-id")


@extend_schema_view(
    list=extend_schema(
        summary="Shipments and cancellations told to the sales channels",
        parameters=[
            OpenApiParameter("order", description="Order number."),
            OpenApiParameter("channel", description="Channel code."),
            OpenApiParameter("status", enum=ChannelPush.Status.values),
            OpenApiParameter("kind", enum=ChannelPush.Kind.values),
        ],
        responses={200: ChannelPushSerializer(many=True), **problems(400, 401, 403)},
    ),
    retrieve=extend_schema(
        summary="A channel push", responses={200: ChannelPushSerializer, **problems(401, 403, 404)}
    ),
)
class ChannelPushViewSet(viewsets.GenericViewSet):
    pagination_class = PushPagination
    serializer_class = ChannelPushSerializer
    read_roles = AGENTS
    write_roles = AGENTS

    def get_queryset(self):
        return ChannelPush.objects.select_related("channel", "order")

    def list(self, request):
        params = ListParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        filters = params.validated_data
        pushes = self.get_queryset()
        if filters.get("order"):
            pushes = pushes.filter(order__number=filters["order"].upper())
        if filters.get("channel"):
            pushes = pushes.filter(channel__code=filters["channel"])
        for name in ("status", "kind"):
            if filters.get(name):
                pushes = pushes.filter(**{name: filters[name]})
        page = self.paginate_queryset(pushes)
        return self.get_paginated_response(ChannelPushSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(ChannelPushSerializer(get_object_or_404(self.get_queryset(), pk=pk)).data)

    @extend_schema(
        summary="Send a failed push again",
        description="A fresh round of attempts with the same payload and idempotency key; 409 when "
        "the push has not failed.",
        request=None,
        parameters=[IDEMPOTENCY_KEY],
        responses={202: ChannelPushSerializer, **problems(401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        push = get_object_or_404(self.get_queryset(), pk=pk)

        def handler():
            retried = services.push_retry(push=push, actor=Actor.from_request(request))
            return Response(ChannelPushSerializer(retried).data, status=status.HTTP_202_ACCEPTED)

        return idempotent(request, handler)
