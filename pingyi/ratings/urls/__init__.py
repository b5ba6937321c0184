from __future__ import annotations

from django.urls import path

from pingyi.ratings import views as views_list

app_name = "ratings"
urlpatterns = [path("", views_list.rating_list, name="rating_list")]
