from django.urls import path

from pingyi.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.job_list, name="job_list"),
    path("new/", views.job_create, name="job_create"),
    path("<int:pk>/", views.job_detail, name="job_detail"),
    path("<int:pk>/retry/", views.job_retry, name="job_retry"),
    path("templates/<str:kind>.csv", views.template_download, name="template"),
    path("templates/<str:kind>.xlsx", views.template_xlsx, name="template_xlsx"),
]
