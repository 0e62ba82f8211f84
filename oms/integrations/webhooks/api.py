"""Webhook endpoints API (admins only): endpoints, their delivery log, redelivery, secret rotation.

The secret is in the answer to the create and rotate calls only; afterwards the API shows a
hint (its first characters).
"""

from datetime import timedelta

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from oms.core.actor import Actor
from oms.core.api.pagination import StandardCursorPagination
from oms.core.api.schema import IDEMPOTENCY_KEY, problems
from oms.core.idempotency import idempotent
from oms.core.roles import OMS_ADMIN

from . import services
from .models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

ADMINS = frozenset({OMS_ADMIN})


class EndpointSerializer(serializers.ModelSerializer):
    events = serializers.ListField(child=serializers.CharField(max_length=80), min_length=1, max_length=100)
    secret_hint = serializers.CharField(read_only=True)

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "url",
            "events",
            "active",
            "description",
            "secret_hint",
            "previous_secret_expires_at",
            "consecutive_failures",
            "failing_since",
            "disabled_at",
            "disabled_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "previous_secret_expires_at",
            "consecutive_failures",
            "failing_since",
            "disabled_at",
            "disabled_reason",
            "created_at",
            "updated_at",
        ]


class EndpointCreateSerializer(EndpointSerializer):
    secret = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        write_only=True,
        help_text="whsec_... (Standard Webhooks); left out, one is generated and answered once.",
    )

    class Meta(EndpointSerializer.Meta):
        fields = [*EndpointSerializer.Meta.fields, "secret"]


class EndpointWithSecretSerializer(EndpointSerializer):
    secret = serializers.CharField(read_only=True, help_text="Shown this once: keep it now.")

    class Meta(EndpointSerializer.Meta):
        fields = [*EndpointSerializer.Meta.fields, "secret"]


class RotateSerializer(serializers.Serializer):
    secret = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    overlap_hours = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=24 * 14,
        default=24,
        help_text="How long the old secret signs too.",
    )


class AttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = ["started_at", "duration_ms", "status_code", "succeeded", "response_excerpt", "error"]
        read_only_fields = fields


class DeliverySerializer(serializers.ModelSerializer):
    attempt_log = AttemptSerializer(many=True, read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "message_id",
            "topic",
            "aggregate_type",
            "aggregate_id",
            "status",
            "attempts",
            "next_attempt_at",
            "last_status_code",
            "last_error",
            "created_at",
            "delivered_at",
            "dead_at",
            "attempt_log",
        ]
        read_only_fields = fields


class DeliveryParamsSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=WebhookDelivery.Status.choices, required=False)
    topic = serializers.CharField(required=False, max_length=80)
    since = serializers.DateTimeField(required=False)
    until = serializers.DateTimeField(required=False)


class RangeSerializer(serializers.Serializer):
    since = serializers.DateTimeField()
    until = serializers.DateTimeField(required=False)
    status = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookDelivery.Status.choices), required=False, min_length=1
    )


CountSerializer = inline_serializer("RedeliveredCount", {"redelivered": serializers.IntegerField()})


class DeliveryPagination(StandardCursorPagination):
    ordering = "-id"


@extend_schema_view(
    list=extend_schema(
        summary="Webhook endpoints", responses={200: EndpointSerializer(many=True), **problems(401, 403)}
    ),
    retrieve=extend_schema(
        summary="A webhook endpoint", responses={200: EndpointSerializer, **problems(401, 403, 404)}
    ),
    partial_update=extend_schema(
        summary="Change an endpoint (url, events, active, description)",
        request=EndpointSerializer,
        responses={200: EndpointSerializer, **problems(400, 401, 403, 404)},
    ),
    destroy=extend_schema(
        summary="Remove an endpoint and its delivery log", responses={204: None, **problems(401, 403, 404)}
    ),
)
class WebhookEndpointViewSet(viewsets.GenericViewSet):
    queryset = WebhookEndpoint.objects.all()
    serializer_class = EndpointSerializer
    read_roles = ADMINS
    write_roles = ADMINS
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(EndpointSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(EndpointSerializer(self.get_object()).data)

    @extend_schema(
        summary="Subscribe an endpoint (the secret is answered this once)",
        request=EndpointCreateSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: EndpointWithSecretSerializer, **problems(400, 401, 403, 422)},
    )
    def create(self, request):
        data = EndpointCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)

        def handler():
            endpoint = services.endpoint_create(actor=Actor.from_request(request), **data.validated_data)
            return Response(EndpointWithSecretSerializer(endpoint).data, status=status.HTTP_201_CREATED)

        return idempotent(request, handler)

    def partial_update(self, request, pk=None):
        endpoint = self.get_object()
        data = EndpointSerializer(endpoint, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        updated = services.endpoint_update(
            endpoint=endpoint, actor=Actor.from_request(request), **data.validated_data
        )
        return Response(EndpointSerializer(updated).data)

    def destroy(self, request, pk=None):
        services.endpoint_delete(endpoint=self.get_object(), actor=Actor.from_request(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Rotate the secret (both sign during the overlap; the new one is answered once)",
        request=RotateSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={200: EndpointWithSecretSerializer, **problems(400, 401, 403, 404)},
    )
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None):
        endpoint = self.get_object()
        data = RotateSerializer(data=request.data)
        data.is_valid(raise_exception=True)

        def handler():
            rotated = services.endpoint_rotate_secret(
                endpoint=endpoint,
                actor=Actor.from_request(request),
                secret=data.validated_data["secret"],
                overlap=timedelta(hours=data.validated_data["overlap_hours"]),
            )
            return Response(EndpointWithSecretSerializer(rotated).data)

        return idempotent(request, handler)

    @extend_schema(
        summary="The endpoint's deliveries, newest first, each with its attempt log",
        parameters=[
            OpenApiParameter("status", enum=WebhookDelivery.Status.values),
            OpenApiParameter("topic", description="Event type, exact."),
            OpenApiParameter("since", description="Created at or after (ISO 8601).", type=str),
            OpenApiParameter("until", description="Created before (ISO 8601).", type=str),
        ],
        responses={200: DeliverySerializer(many=True), **problems(400, 401, 403, 404)},
    )
    @action(detail=True, methods=["get"], pagination_class=DeliveryPagination)
    def deliveries(self, request, pk=None):
        endpoint = self.get_object()
        params = DeliveryParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        filters = params.validated_data
        deliveries = WebhookDelivery.objects.filter(endpoint=endpoint).prefetch_related("attempt_log")
        if filters.get("status"):
            deliveries = deliveries.filter(status=filters["status"])
        if filters.get("topic"):
            deliveries = deliveries.filter(topic=filters["topic"])
        if filters.get("since"):
            deliveries = deliveries.filter(created_at__gte=filters["since"])
        if filters.get("until"):
            deliveries = deliveries.filter(created_at__lt=filters["until"])
        page = self.paginate_queryset(deliveries)
        return self.get_paginated_response(DeliverySerializer(page, many=True).data)

    @extend_schema(
        summary="Send one delivery again (same message and webhook-id, signed afresh)",
        request=None,
        parameters=[IDEMPOTENCY_KEY],
        responses={202: DeliverySerializer, **problems(401, 403, 404)},
    )
    @action(detail=True, methods=["post"], url_path=r"deliveries/(?P<delivery_id>[0-9]+)/redeliver")
    def redeliver_one(self, request, pk=None, delivery_id=None):
        endpoint = self.get_object()
        delivery = get_object_or_404(WebhookDelivery, pk=delivery_id, endpoint=endpoint)

        def handler():
            again = services.delivery_redeliver(delivery=delivery, actor=Actor.from_request(request))
            return Response(DeliverySerializer(again).data, status=status.HTTP_202_ACCEPTED)

        return idempotent(request, handler)

    @extend_schema(
        summary="Send again every delivery of this endpoint created in a time range",
        description="`since` (required) to `until` (default: now); `status` narrows it, e.g. "
        '`["dead"]` after an outage of the receiver.',
        request=RangeSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={202: CountSerializer, **problems(400, 401, 403, 404)},
    )
    @action(detail=True, methods=["post"])
    def redeliver(self, request, pk=None):
        endpoint = self.get_object()
        data = RangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)

        def handler():
            count = services.endpoint_redeliver_range(
                endpoint=endpoint,
                since=data.validated_data["since"],
                until=data.validated_data.get("until"),
                statuses=data.validated_data.get("status"),
                actor=Actor.from_request(request),
            )
            return Response({"redelivered": count}, status=status.HTTP_202_ACCEPTED)

        return idempotent(request, handler)
