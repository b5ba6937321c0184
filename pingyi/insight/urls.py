from django.urls import path

from pingyi.insight import views

app_name = "insight"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("rankings/", views.ranking, name="ranking"),
]
