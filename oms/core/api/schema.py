"""OpenAPI pieces shared by every app's API."""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers

IDEMPOTENCY_KEY = OpenApiParameter(
    name="Idempotency-Key",
    location=OpenApiParameter.HEADER,
    required=False,
    description="Any unique string (a UUID). A replay returns the first answer and writes nothing; "
    "the same key with another body is refused with 422.",
)

ProblemSerializer = inline_serializer(
    name="Problem",
    fields={
        "type": serializers.CharField(),
        "title": serializers.CharField(),
        "status": serializers.IntegerField(),
        "detail": serializers.CharField(),
        "code": serializers.CharField(),
        "instance": serializers.CharField(required=False),
        "errors": serializers.ListField(child=serializers.DictField(), required=False),
        "details": serializers.DictField(required=False),
    },
)


def problems(*codes: int) -> dict:
    """`responses=` entries for the error statuses an endpoint can answer."""
    return {
        code: OpenApiResponse(ProblemSerializer, description="Problem details (RFC 9457)") for code in codes
    }
