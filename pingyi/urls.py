from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from pingyi.accounts import views as account_views
from pingyi.api.routes import api
from pingyi.tickets.web import public as tickets_public
from pingyi.web import views as web_views

urlpatterns = [
    path("", web_views.home, name="home"),
    path("", include("pingyi.ops.urls")),
    path("login/", account_views.LoginView.as_view(), name="login"),
    path("account/", account_views.my_account, name="account"),
    path("account/tokens/<int:pk>/revoke/", account_views.token_revoke, name="token_revoke"),
    path("users/", account_views.user_list, name="user_list"),
    path("users/new/", account_views.user_edit, name="user_create"),
    path("users/<int:pk>/", account_views.user_edit, name="user_edit"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("catalog/", include("pingyi.catalog.urls")),
    path("imports/", include("pingyi.imports.urls")),
    path("audit/", include("pingyi.audit.urls")),
    path("r/", include("pingyi.ratings.urls.public")),
    path("posters/", include("pingyi.ratings.urls.posters")),
    path("operator/", include("pingyi.ratings.urls.operator")),
    path("operator/sms/", include("pingyi.sms.urls")),
    path("ratings/", include("pingyi.ratings.urls")),
    path("ledger/", include("pingyi.ledger.urls")),
    path("oversight/", include("pingyi.oversight.urls")),
    path("inspections/templates/", include("pingyi.documents.urls")),
    path("inspections/", include("pingyi.inspections.urls")),
    path("workdays/", include("pingyi.workdays.urls")),
    path("tickets/", include("pingyi.tickets.urls")),
    path("tickets/", include("pingyi.accountability.urls")),
    path("insight/causes/", include("pingyi.insight.causes.urls")),
    path("insight/", include("pingyi.insight.urls")),
    path("alerts/", include("pingyi.alerts.urls")),
    path("reports/", include("pingyi.reports.urls")),
    path("public/", include("pingyi.disclosure.urls")),
    path("track/", tickets_public.track_form, name="track"),
    path("track/<str:code>/", tickets_public.track_detail, name="track_detail"),
    path("help/", tickets_public.help_request, name="help_request"),
    path("open311/v2/", include("pingyi.tickets.open311.urls")),
    path("api/v1/", api.urls),
]
