from django.urls import path

from pingyi.oversight import views

app_name = "oversight"

urlpatterns = [
    path("", views.anomaly_list, name="anomaly_list"),
    path("runs/", views.run_list, name="run_list"),
    path("runs/new/", views.run_create, name="run_create"),
    path("runs/<int:pk>/retry/", views.run_retry, name="run_retry"),
    path("<int:pk>/", views.anomaly_detail, name="anomaly_detail"),
    path("<int:pk>/action/", views.anomaly_action, name="anomaly_action"),
]
