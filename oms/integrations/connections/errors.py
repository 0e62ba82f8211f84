"""Errors of the channel endpoints."""

from enum import StrEnum

from rest_framework import status
from rest_framework.exceptions import APIException


class ConnectionErrorCode(StrEnum):
    INVALID_SIGNATURE = "invalid_signature"
    UNKNOWN_CHANNEL = "unknown_channel"
    NOT_UTF8 = "not_utf8"
    NOT_PULLED = "not_pulled"


class InvalidSignature(APIException):
    """401 without the WWW-Authenticate dance: a webhook proves itself by its signature, and DRF
    would turn an AuthenticationFailed on a view without authenticators into a 403."""

    status_code = status.HTTP_401_UNAUTHORIZED
    default_code = ConnectionErrorCode.INVALID_SIGNATURE.value
    default_detail = "The webhook signature is missing or does not match the channel's webhook secret."
