"""OpenAPI pieces shared by every app's API, and the post-processing that makes the schema
tell the truth about what every operation can answer:

- every error response is `application/problem+json` (the Problem component);
- every operation documents 401 and 403; one with query parameters or a body 400; one with
  path parameters or a cursor 404 (a bad cursor is 404); one with a body 413 and 415; one
  that honours an Idempotency-Key 422 (the key's limits, or the key reused with another body);
  and every one 503 (the database busy with concurrent changes: retry after Retry-After).
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers

from oms.core.idempotency import MAX_KEY_LENGTH

PROBLEM_MEDIA_TYPE = "application/problem+json"

IDEMPOTENCY_KEY = OpenApiParameter(
    name="Idempotency-Key",
    location=OpenApiParameter.HEADER,
    required=False,
    type={"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH},
    description=f"Any unique string of 1 to {MAX_KEY_LENGTH} printable characters (a UUID). A replay "
    "returns the first answer (status, body, Location) and writes nothing. Answers 422 "
    "`idempotency_key_invalid` for a key out of these limits and `idempotency_key_reused` for the "
    "same key with another body.",
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

DESCRIPTIONS = {
    400: "Invalid input: `errors` names each field (problem details, RFC 9457).",
    401: "No or invalid credentials.",
    403: "The role (or the channel) may not do this.",
    404: "No such resource (or not one this principal may see); also a cursor that does not parse.",
    409: "The current state forbids it.",
    413: "The body is over the size limit.",
    415: "The body is not JSON.",
    422: "Refused by a business rule, or an Idempotency-Key out of its limits or reused.",
    503: "The system is busy with concurrent changes: retry after Retry-After seconds.",
}


#: Components whose alternatives overlap (a row valid in more than one shape): anyOf, not oneOf.
ANY_OF_COMPONENTS = ("AvailabilityRow",)


def problems(*codes: int) -> dict:
    """`responses=` entries for the error statuses an endpoint can answer."""
    return {
        code: OpenApiResponse(ProblemSerializer, description=DESCRIPTIONS.get(code, "Problem details."))
        for code in codes
    }


class OmsAutoSchema(AutoSchema):
    """Lists in request bodies carry their limits (minItems / maxItems)."""

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        is_list = isinstance(field, serializers.ListSerializer | serializers.ListField)
        if is_list and isinstance(schema, dict) and schema.get("type") == "array":
            if not field.allow_empty:
                schema["minItems"] = max(schema.get("minItems", 0), 1)
            if getattr(field, "min_length", None):
                schema["minItems"] = max(schema.get("minItems", 0), field.min_length)
            if getattr(field, "max_length", None):
                schema.setdefault("maxItems", field.max_length)
        return schema


def _problem_content() -> dict:
    return {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}


def _statuses_for(operation: dict) -> set[int]:
    parameters = operation.get("parameters", [])
    locations = {parameter["in"] for parameter in parameters}
    names = {parameter["name"] for parameter in parameters}
    statuses = {401, 403, 503}
    has_body = "requestBody" in operation
    if has_body or "query" in locations:
        statuses.add(400)
    if "path" in locations or "cursor" in names:
        statuses.add(404)
    if has_body:
        statuses |= {413, 415}
    if "Idempotency-Key" in names:
        statuses.add(422)
    return statuses


def problem_details_everywhere(result, generator, request, public):
    """POSTPROCESSING_HOOKS entry: see the module docstring. (The Problem component exists:
    every API operation names problems() among its responses.)"""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    for name in ANY_OF_COMPONENTS:
        if "oneOf" in components.get(name, {}):
            components[name]["anyOf"] = components[name].pop("oneOf")
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for status in _statuses_for(operation):
                responses.setdefault(str(status), {"description": DESCRIPTIONS[status]})
            for status, response in responses.items():
                if status.isdigit() and int(status) >= 400:
                    response["content"] = _problem_content()
            operation["responses"] = dict(sorted(responses.items()))
    return result
