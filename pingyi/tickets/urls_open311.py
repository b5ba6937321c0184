from django.urls import re_path

from pingyi.tickets import open311

FMT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(r"^discovery" + FMT, open311.discovery),
    re_path(r"^services" + FMT, open311.service_list),
    re_path(r"^services/(?P<code>[a-z]+)" + FMT, open311.service_definition),
    re_path(r"^requests" + FMT, open311.requests_view),
    re_path(r"^requests/(?P<request_id>T?\d+)" + FMT, open311.request_detail),
]
