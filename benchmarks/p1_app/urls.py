"""pingyi's URLs plus the benchmark endpoints: JSON rating intake (when /r/ has none; portable and one-statement) and a
bare INSERT."""

from __future__ import annotations

from django.urls import path

from p1_app import views
from pingyi.urls import urlpatterns as pingyi_urlpatterns

urlpatterns = [
    path("bench/rate/<str:token>", views.rate_json, name="bench_rate"),
    path("bench/rate_fast/<str:token>", views.rate_json_fast, name="bench_rate_fast"),
    path("bench/rate_lean/<str:token>", views.rate_json_lean, name="bench_rate_lean"),
    path("bench/bare", views.bare_insert, name="bench_bare"),
    *pingyi_urlpatterns,
]
