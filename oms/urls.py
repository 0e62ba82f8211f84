from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from oms.core import views as core_views
from oms.core.api.views import ApiRootView
from oms.security import metrics as security_metrics

api_v1 = [
    path("", ApiRootView.as_view(), name="root"),
    path("", include("inventory.api_urls")),
    path("", include("orders.api_urls")),
    path("", include("fulfillment.api_urls")),
    path("", include("returns.api_urls")),
    path("", include("oms.integrations.inbox.api_urls")),
    path("", include("oms.integrations.webhooks.api_urls")),
    path("", include("oms.integrations.pushes.api_urls")),
    path("", include("oms.integrations.connections.api_urls")),
]

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("metrics", security_metrics.metrics, name="metrics"),
    path("jobs/<int:pk>/", core_views.job_detail, name="job"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/mfa/", include("oms.security.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("inventory/", include("inventory.urls")),
    path("", include("oms.desk.urls")),
    path("fulfillment/", include("fulfillment.urls")),
    path("returns/", include("returns.urls")),
    path("integrations/inbox/", include("oms.integrations.inbox.urls")),
]

handler403 = "oms.core.views.permission_denied"
handler404 = "oms.core.views.page_not_found"
handler500 = "oms.core.views.server_error"

admin.site.site_header = "OMS administration"
admin.site.site_title = "OMS admin"
