"""Channel endpoints: webhooks in (signed by the channel), a manual import of the channel's own
document (staff or the channel's token)."""

import time

from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import BaseParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from oms.core.adapters import get_adapter
from oms.core.api.schema import problems
from oms.core.api.throttling import ChannelWebhookThrottle
from oms.core.errors import DomainError, ForbiddenError, NotFoundError
from oms.core.models import Channel
from oms.core.roles import CHANNEL, CUSTOMER_SERVICE, OMS_ADMIN
from oms.integrations.inbox import services as inbox
from oms.integrations.inbox.api import InboxDocumentSerializer
from oms.integrations.inbox.models import InboxDocument
from orders.api.serializers import OrderDetailSerializer

from .errors import ConnectionErrorCode, InvalidSignature
from .selectors import connection_of

Status = InboxDocument.Status


class RawParser(BaseParser):
    """Accept any body: the views read the raw bytes (signatures are over them)."""

    media_type = "*/*"

    def parse(self, stream, media_type=None, parser_context=None):
        return None


def _channel(code: str) -> Channel:
    channel = Channel.objects.filter(code=code, active=True).first()
    if channel is None:
        raise NotFoundError(ConnectionErrorCode.UNKNOWN_CHANNEL, f"No active channel {code!r}.")
    return channel


def _text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DomainError(ConnectionErrorCode.NOT_UTF8, "The body is not UTF-8 text.") from error


WEBHOOK_ANSWER = inline_serializer(
    "ChannelWebhookReceipt",
    fields={"document": serializers.IntegerField(allow_null=True), "duplicate": serializers.BooleanField()},
)


class ChannelWebhookView(APIView):
    """POST /api/v1/channels/{code}/webhooks/.

    Authenticated by the channel's signature over the raw body, not by a token or a session:
    channels cannot send our tokens. Hence no authentication classes and AllowAny here; the
    signature check below is the authentication, and nothing is stored without it."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    parser_classes = [RawParser]
    # Per channel, above the anonymous rate: a shop's burst of deliveries is not an attack.
    throttle_classes = [ChannelWebhookThrottle]

    @extend_schema(
        summary="A channel's webhook delivery (signed by the channel)",
        description="Shopify: `X-Shopify-Hmac-Sha256`; WooCommerce: `X-WC-Webhook-Signature` (base64 "
        "HMAC-SHA256 of the raw body with the channel's webhook secret); BigCommerce: Standard Webhooks "
        "(`webhook-id`, `webhook-timestamp`, `webhook-signature`). A missing or wrong signature gets 401 and "
        "stores nothing (so does an unknown channel, or one that takes no webhooks). A good one is "
        "stored in the inbox and answered 202 at once (processing follows "
        "in a task); a repeated delivery answers 200 and creates nothing.",
        request={"application/json": OpenApiTypes.OBJECT},
        responses={202: WEBHOOK_ANSWER, 200: WEBHOOK_ANSWER, **problems(401)},
        auth=[],
    )
    def post(self, request, code: str):
        raw = request.body
        headers = dict(request.headers)
        # An unknown channel, one that takes no webhooks and a bad signature all answer the same
        # 401: an unsigned caller learns nothing about which channels exist.
        channel = Channel.objects.filter(code=code, active=True).first()
        adapter = get_adapter(channel) if channel is not None else None
        if adapter is None or not getattr(adapter, "webhooks", False):
            raise InvalidSignature()
        if adapter.webhook_ping(raw, headers):
            return Response({"document": None, "duplicate": False}, status=status.HTTP_200_OK)
        connection = connection_of(channel)
        secrets = connection.webhook_secrets() if connection else []
        if not secrets or not adapter.verify_webhook(raw, headers, secrets, time.time()):
            raise InvalidSignature()
        body = _text(raw)
        document, created = inbox.inbox_receive(
            channel=channel,
            source=InboxDocument.Source.WEBHOOK,
            body=body,
            headers=headers,
            topic=adapter.webhook_topic(headers),
            delivery_id=adapter.webhook_delivery_id(headers, raw),
            content_type=request.content_type or "",
        )
        if created:
            from oms.integrations.pulls.tasks import after_webhook

            after_webhook(document)
        code_ = status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK
        return Response({"document": document.pk, "duplicate": not created}, status=code_)


PULL_ANSWER = inline_serializer(
    "ChannelPullQueued", fields={"channel": serializers.CharField(), "cursor": serializers.CharField()}
)
PULLED_KINDS = {"shopify", "woocommerce", "bigcommerce", "amazon"}


class ChannelPullView(APIView):
    """POST /api/v1/channels/{code}/pull/: pull now, without waiting for the schedule."""

    write_roles = {OMS_ADMIN}

    @extend_schema(
        summary="Pull the channel's orders now",
        description="Queues a pull of the orders updated since the channel's cursor (the scheduled pull "
        "does the same); answers 202 at once. 422 when the channel cannot be pulled (no API base URL, or "
        "a kind that is not pulled).",
        request=None,
        responses={202: PULL_ANSWER, **problems(401, 403, 404, 422)},
    )
    def post(self, request, code: str):
        from oms.integrations.pulls.tasks import pull_channel

        channel = _channel(code)
        connection = connection_of(channel)
        if channel.adapter_kind not in PULLED_KINDS or connection is None or not connection.api_base_url:
            raise DomainError(
                ConnectionErrorCode.NOT_PULLED,
                f"Channel {code!r} cannot be pulled: it needs a pulled kind "
                f"({', '.join(sorted(PULLED_KINDS))}) and an API base URL in its connection.",
            )
        transaction.on_commit(lambda: pull_channel.delay(channel.pk))
        return Response(
            {"channel": channel.code, "cursor": connection.pull_cursor}, status=status.HTTP_202_ACCEPTED
        )


class ChannelOrderImportView(APIView):
    """POST /api/v1/channels/{code}/orders/: the channel's own document for one order."""

    parser_classes = [RawParser]
    write_roles = {OMS_ADMIN, CUSTOMER_SERVICE, CHANNEL}

    @extend_schema(
        summary="Import one order as the channel's own document",
        description='Shopify: the order object, bare or as `{"order": ...}`; WooCommerce: the order '
        'object; BigCommerce: `{"order", "products", "shipping_addresses"}` (GET responses); Amazon: '
        '`{"order", "orderItems", "buyerInfo"}` (getOrder, getOrderItems, getOrderBuyerInfo '
        "responses); CSV channels: a CSV file (text/csv), one order. Stored in the inbox, then processed "
        "through the channel's adapter: 201 with the new order, 200 with the updated one, or 422 with "
        "the inbox entry and its error (an admin corrects and replays it).",
        request={"application/json": OpenApiTypes.OBJECT, "text/csv": OpenApiTypes.STR},
        responses={
            201: OrderDetailSerializer,
            200: OrderDetailSerializer,
            422: OpenApiResponse(
                InboxDocumentSerializer, description="Stored, but not an order (see error)."
            ),
            **problems(400, 401, 403, 404),
        },
    )
    def post(self, request, code: str):
        channel = _channel(code)
        own = getattr(request.user, "channel", None)
        if own is not None and own.pk != channel.pk:
            raise ForbiddenError("not_allowed", "A channel imports its own documents only.")
        body = _text(request.body)
        document, _ = inbox.inbox_receive(
            channel=channel,
            source=InboxDocument.Source.IMPORT,
            body=body,
            headers=dict(request.headers),
            topic=request.query_params.get("topic", "")[:100],
            content_type=request.content_type or "",
        )
        document = inbox.inbox_process(document_id=document.pk) or document
        document.refresh_from_db()
        if document.status == Status.PROCESSED and document.order_id:
            code_ = status.HTTP_201_CREATED if document.outcome == "created" else status.HTTP_200_OK
            order = get_object_or_404(type(document.order).objects, pk=document.order_id)
            return Response(OrderDetailSerializer(order).data, status=code_)
        code_ = (
            status.HTTP_200_OK if document.status == Status.IGNORED else status.HTTP_422_UNPROCESSABLE_ENTITY
        )
        return Response(InboxDocumentSerializer(document).data, status=code_)
