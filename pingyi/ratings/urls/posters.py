"""Back-office pages for QR posters of windows."""

from __future__ import annotations

from django.urls import path

from pingyi.ratings.posters import views as views_posters

app_name = "posters"
urlpatterns = [
    path("", views_posters.poster_list, name="poster_list"),
    path("windows/<int:window_id>/issue/", views_posters.poster_issue_view, name="poster_issue"),
    path("<int:pk>.svg", views_posters.poster_svg_view, name="poster_svg"),
    path("<int:pk>.pdf", views_posters.poster_pdf_view, name="poster_pdf"),
]
