"""The Open311 endpoints under /open311/v2/ (each ``.json`` or ``.xml``)."""

from __future__ import annotations

from django.urls import re_path

from pingyi.tickets.open311 import views

FMT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(r"^discovery" + FMT, views.discovery),
    re_path(r"^services" + FMT, views.service_list),
    re_path(r"^services/(?P<code>[a-z]+)" + FMT, views.service_definition),
    re_path(r"^requests" + FMT, views.requests_view),
    re_path(r"^requests/(?P<request_id>T?\d+)" + FMT, views.request_detail),
]
