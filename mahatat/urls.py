from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from mahatat.accounts.views import switch_language
from mahatat.core.views import healthz
from mahatat.home_views import home

admin.site.site_header = "محطات · Mahatat"
admin.site.site_title = "Mahatat"
# One sign-in for everyone: the admin's own login form would skip the TOTP step that staff must pass.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("i18n/language/", switch_language, name="switch_language"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("mahatat.api_urls")),
    path("", include("mahatat.accounts.urls")),
    path("", include("mahatat.stations.urls")),
    path("", include("mahatat.training.urls")),
]

if not settings.PRODUCTION:
    # In production the proxy or object storage serves media; on the embedded default Django does.
    urlpatterns.append(path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}))
