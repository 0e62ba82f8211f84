"""Every page's JavaScript and style lives in static files: the Content-Security-Policy allows no
'unsafe-inline' (tests/e2e fail on any violation in a real browser)."""

import re
from pathlib import Path

from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b[^>]*>|\sstyle\s*=\s*[\"']", re.IGNORECASE)
KNOWN: set[str] = set()
JS_URL = re.compile(r"href\s*=\s*[\"']\s*javascript:", re.IGNORECASE)


def test_no_template_has_an_inline_script_or_event_handler():
    offenders = []
    for template in sorted(TEMPLATES.rglob("*.html")):
        if str(template.relative_to(TEMPLATES)) in KNOWN:
            continue
        text = template.read_text()
        for pattern in (INLINE_SCRIPT, HANDLER, JS_URL, INLINE_STYLE):
            offenders += [f"{template.relative_to(TEMPLATES)}: {m.group(0)}" for m in pattern.finditer(text)]
    assert not offenders, offenders


def test_no_page_loads_anything_from_another_site():
    for template in sorted(TEMPLATES.rglob("*.html")):
        assert not re.search(r"(src|href)=[\"']https?://", template.read_text()), template
