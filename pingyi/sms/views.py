"""The inbound webhook of the SMS gateway: POST {from, text} (JSON or form) with X-Pingyi-Sms-Secret."""

from __future__ import annotations

import hmac
import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from pingyi.sms.services import sms_inbound


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


def _payload(request: HttpRequest) -> dict[str, Any] | None:
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            return None
        return data if isinstance(data, dict) else None
    return request.POST.dict()


@csrf_exempt
@require_POST
def inbound(request: HttpRequest) -> JsonResponse:
    secret = settings.PINGYI_SMS_INBOUND_SECRET
    given = request.headers.get("X-Pingyi-Sms-Secret", "")
    if not secret:
        return _error(403, "disabled", "短信回复接口未启用（未设置 PINGYI_SMS_INBOUND_SECRET）")
    if not hmac.compare_digest(given.encode(), secret.encode()):
        return _error(403, "forbidden", "短信回复接口密钥不正确")
    data = _payload(request)
    if data is None:
        return _error(400, "invalid", "请求内容不是合法的 JSON 对象")
    phone, text = str(data.get("from") or "").strip(), str(data.get("text") or "")
    if not phone:
        return _error(400, "invalid", "缺少发信号码 from")
    if len(text) > 500:
        return _error(400, "invalid", "短信内容过长")
    result = sms_inbound(phone, text)
    if result.outcome == "ignored":
        return _error(400, "invalid", "发信号码格式不正确")
    return JsonResponse({"ok": True, "outcome": result.outcome})
