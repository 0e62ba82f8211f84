"""The carrier registry's rules: tracking-number formats and tracking links (no queries).

The seeded carriers (migration 0004) and custom ones from the admin share these checks; the
ship service calls them for every package."""

import re
from urllib.parse import quote

PLACEHOLDER = "{tracking_number}"


def normalize_tracking(number: str) -> str:
    """What a scanner or a person typed, as carriers print it: upper-case, no spaces."""
    return "".join(str(number or "").split()).upper()


def pattern_problem(pattern: str) -> str:
    if not pattern:
        return ""
    try:
        re.compile(pattern)
    except re.error as error:
        return f"Not a valid regular expression: {error}."
    return ""


def template_problem(template: str) -> str:
    if template and PLACEHOLDER not in template:
        return f"Put {PLACEHOLDER} where the number goes."
    if template and not template.startswith(("https://", "http://")):
        return "A tracking link starts with https://."
    return ""


def tracking_matches(pattern: str, number: str) -> bool:
    return not pattern or re.fullmatch(pattern, number) is not None


def tracking_url(template: str, number: str) -> str:
    if not (template and number):
        return ""
    return template.replace(PLACEHOLDER, quote(number, safe=""))[:300]
