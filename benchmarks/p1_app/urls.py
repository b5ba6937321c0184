"""pingyi's URLs plus the bare one-INSERT Django view."""

from __future__ import annotations

from django.urls import path

from p1_app import views
from pingyi.urls import urlpatterns as pingyi_urlpatterns

urlpatterns = [
    path("bench/bare", views.bare_insert, name="bench_bare"),
    *pingyi_urlpatterns,
]
