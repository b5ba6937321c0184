"""pingyi's URLs plus the two benchmark endpoints: a JSON rating intake (when /r/ has none) and a bare INSERT."""

from __future__ import annotations

from django.urls import path

from p1_app import views
from pingyi.urls import urlpatterns as pingyi_urlpatterns

urlpatterns = [
    path("bench/rate/<str:token>", views.rate_json, name="bench_rate"),
    path("bench/bare", views.bare_insert, name="bench_bare"),
    *pingyi_urlpatterns,
]
