"""GeoReport v2 bodies in JSON and XML (http://wiki.open311.org/GeoReport_v2): the same data, two encodings."""

from __future__ import annotations

import json
from typing import Any
from xml.sax.saxutils import escape

from django.http import HttpResponse

_SINGULAR = {"endpoints": "endpoint", "formats": "format", "attributes": "attribute", "values": "value"}


def _xml(tag: str, value: Any) -> str:
    if isinstance(value, dict):
        return f"<{tag}>" + "".join(_xml(k, v) for k, v in value.items()) + f"</{tag}>"
    if isinstance(value, list):
        child = _SINGULAR.get(tag, tag)
        return f"<{tag}>" + "".join(_xml(child, v) for v in value) + f"</{tag}>"
    if value is None:
        return f"<{tag}/>"
    if isinstance(value, bool):
        value = "true" if value else "false"
    return f"<{tag}>{escape(str(value))}</{tag}>"


def respond(fmt: str, root: str, item_tag: str, data: Any, status: int = 200) -> HttpResponse:
    """``data`` (a list of items, or one object) as JSON, or as XML ``<root><item_tag>…</item_tag>…</root>``."""
    if fmt == "xml":
        if isinstance(data, list):
            inner = "".join(_xml(item_tag, item) for item in data)
            body = f"<{root}>{inner}</{root}>"
        else:
            body = _xml(root, data)
        xml = '<?xml version="1.0" encoding="utf-8"?>' + body
        return HttpResponse(xml, status=status, content_type="text/xml; charset=utf-8")
    return HttpResponse(json.dumps(data, ensure_ascii=False), status=status, content_type="application/json")


def errors(fmt: str, status: int, description: str) -> HttpResponse:
    return respond(fmt, "errors", "error", [{"code": status, "description": description}], status=status)
