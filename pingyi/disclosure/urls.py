from django.urls import path

from pingyi.disclosure import views_manage, views_public

app_name = "disclosure"
urlpatterns = [
    path("", views_public.index, name="public"),
    path("bulletins/<int:pk>/", views_public.bulletin, name="bulletin"),
    path("bulletins/manage/", views_manage.bulletin_list, name="manage_list"),
    path("bulletins/manage/new/", views_manage.bulletin_create, name="manage_create"),
    path("bulletins/manage/<int:pk>/", views_manage.bulletin_detail, name="manage_detail"),
    path("bulletins/manage/<int:pk>/edit/", views_manage.bulletin_edit, name="manage_edit"),
    path("bulletins/manage/<int:pk>/<str:step>/", views_manage.bulletin_step, name="manage_step"),
    path("screen/<int:hall_id>/", views_public.screen, name="screen"),
    path("screen/<int:hall_id>/data.json", views_public.screen_json, name="screen_data"),
    path("screen/<str:district_code>/<str:hall_code>/", views_public.screen_by_code, name="screen_by_code"),
    path("<str:code>/", views_public.district_page, name="district"),
]
