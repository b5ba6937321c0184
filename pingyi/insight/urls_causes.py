from django.urls import path

from pingyi.insight import views_causes

app_name = "causes"

urlpatterns = [
    path("", views_causes.causes_page, name="causes"),
]
