"""Public (no login) rating pages: /r/<code> for a poster token (W…) or a receipt code (R…)."""

from __future__ import annotations

from django.urls import path

from pingyi.ratings.channels.citizen import views as views_citizen

app_name = "rate"
urlpatterns = [
    path("<str:code>", views_citizen.rate, name="rate"),
    path("<str:code>/text-size", views_citizen.text_size, name="text_size"),
]
