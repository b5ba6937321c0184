"""The accountability pages, mounted at /tickets/ beside the tickets (the paths users bookmarked and the README names:
/tickets/accountability/, /tickets/suggestions/, /tickets/mechanisms/ …)."""

from __future__ import annotations

from django.urls import path, re_path

from pingyi.accountability.web import records

app_name = "accountability"
KIND = "(?P<kind>" + "|".join(records.PAGES) + ")"

urlpatterns = [
    path("suggestions/<int:pk>.<str:fmt>", records.suggestion_document, name="suggestion_document"),
    path("accountability/", records.record_list, {"kind": "accountability"}, name="accountability"),
    re_path(rf"^{KIND}/$", records.record_list, name="record_list"),
    re_path(rf"^{KIND}/new/$", records.record_create, name="record_create"),
]
