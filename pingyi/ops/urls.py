"""The operations endpoints, mounted at the site's root (``/healthz``, ``/readyz``, ``/metrics``)."""

from __future__ import annotations

from django.urls import path

from pingyi.ops import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", views.metrics, name="metrics"),
]
