from django.urls import path

from pingyi.insight.causes import views

app_name = "causes"

urlpatterns = [
    path("", views.causes_page, name="causes"),
]
