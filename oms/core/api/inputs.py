"""The limits every API input meets before a view sees it, in one place.

- A body is at most `settings.DATA_UPLOAD_MAX_MEMORY_SIZE` bytes (413 `request_too_large`).
- JSON nests at most `MAX_JSON_DEPTH` levels (400 `parse_error`): deeper documents are refused
  before Python's recursion limit is anywhere near.
- No string, key, query parameter or path carries a NUL character (PostgreSQL text cannot
  hold one): 400 `validation_error` naming the field, or 404 for a path.
- `?page_size=` is 1 to the list's maximum (400 naming `page_size`); a cursor that does not
  parse is 404 `not_found` (DRF's behaviour, documented in the schema).
"""

from django.conf import settings
from rest_framework import exceptions
from rest_framework.parsers import JSONParser

MAX_JSON_DEPTH = 32
NUL = "\x00"
NUL_MESSAGE = "NUL characters (\\u0000) are not allowed."


def body_limit() -> int:
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def too_deep_message() -> str:
    return f"The JSON document nests deeper than {MAX_JSON_DEPTH} levels."


def nul_fields(data, path: str = "") -> list[str]:
    """Dotted paths of every string (or key) in `data` holding a NUL, walked without recursion;
    raises ParseError past MAX_JSON_DEPTH."""
    found = []
    stack = [(data, path, 1)]
    while stack:
        value, where, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise exceptions.ParseError(too_deep_message())
        if isinstance(value, str):
            if NUL in value:
                found.append(where)
        elif isinstance(value, dict):
            for key, item in value.items():
                name = f"{where}.{key}" if where else str(key)
                if NUL in str(key):
                    found.append(name)
                stack.append((item, name, depth + 1))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                stack.append((item, f"{where}.{index}" if where else str(index), depth + 1))
    return sorted(found)


def refuse_nul_fields(fields: list[str]) -> None:
    if fields:
        raise exceptions.ValidationError({field.replace(NUL, "\\u0000"): [NUL_MESSAGE] for field in fields})


class GuardedJSONParser(JSONParser):
    """DRF's JSON parser with a depth limit and no NUL characters in strings."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise exceptions.ParseError(too_deep_message()) from error
        refuse_nul_fields(nul_fields(data))
        return data


def raw_text_body(request) -> str:
    """The body as text, for views that keep the bytes as sent (the inbox): UTF-8 without NUL
    characters, or 400 `parse_error`."""
    raw = request.body
    try:
        text = raw.decode("utf-8") if raw else ""
    except UnicodeDecodeError as error:
        raise exceptions.ParseError("The body is not UTF-8 text.") from error
    if NUL in text:
        raise exceptions.ParseError(f"The body: {NUL_MESSAGE}")
    return text


def query_nul_fields(query_dict) -> list[str]:
    return sorted({key for key, values in query_dict.lists() if NUL in key or any(NUL in v for v in values)})


def positive_page_size(raw: str, maximum: int) -> int:
    """`?page_size=` as an int in 1..maximum, or ValidationError naming the parameter."""
    try:
        size = int(raw)
    except (TypeError, ValueError):
        size = 0
    if not 1 <= size <= maximum:
        raise exceptions.ValidationError({"page_size": [f"Give a whole number from 1 to {maximum}."]})
    return size
