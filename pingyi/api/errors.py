"""Structured JSON errors: {"error": {"code": ..., "message": <Chinese>, "fields": {...}}}."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

_HTTP_MESSAGES = {
    400: "请求有误",
    401: "请先登录或提供有效的 API 令牌",
    403: "无权执行此操作",
    404: "对象不存在或不在您的权限范围内",
    405: "不支持该请求方法",
    413: "请求内容过大",
    429: "请求过于频繁，请稍后再试",
}


def error_body(code: str, message: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    return {"error": body}


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, fields: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.fields = status, code, message, fields


def install_handlers(api: NinjaAPI) -> None:
    from django.core.exceptions import PermissionDenied
    from django.http import Http404
    from ninja.errors import AuthenticationError, HttpError
    from ninja.errors import ValidationError as NinjaValidationError

    @api.exception_handler(ApiError)
    def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return api.create_response(request, error_body(exc.code, exc.message, exc.fields), status=exc.status)

    @api.exception_handler(Http404)
    def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return api.create_response(
            request, error_body("not_found", "对象不存在或不在您的权限范围内"), status=404
        )

    @api.exception_handler(PermissionDenied)
    def _forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
        return api.create_response(request, error_body("forbidden", str(exc) or "无权执行此操作"), status=403)

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
        return api.create_response(
            request, error_body("unauthenticated", "请先登录或提供有效的 API 令牌"), status=401
        )

    @api.exception_handler(NinjaValidationError)
    def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        fields: dict[str, list[str]] = {}
        for item in exc.errors:
            loc = ".".join(str(p) for p in item.get("loc", []) if p not in ("body", "payload", "query"))
            fields.setdefault(loc or "_", []).append(item.get("msg", "invalid"))
        return api.create_response(request, error_body("invalid", "请求数据不合法", fields), status=422)

    @api.exception_handler(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # ninja's own errors carry English text (e.g. "CSRF check Failed"); callers get the Chinese message.
        if "csrf" in str(exc).lower():
            body = error_body("csrf_failed", "CSRF 校验失败：请刷新页面后重试，或改用 API 令牌")
        else:
            body = error_body("http_error", _HTTP_MESSAGES.get(exc.status_code, "请求无法处理"))
        return api.create_response(request, body, status=exc.status_code)
