from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from documents import health as document_health
from documents import register as document_register
from documents import views as document_views

admin.site.site_header = _("Styrdok administration")
admin.site.site_title = _("Styrdok")
admin.site.index_title = _("Configuration")

urlpatterns = [
    path("", document_views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("register/", document_register.register, name="register"),
    path("api/v1/", include("documents.api.urls")),
    path("register/health/", document_health.health, name="register_health"),
    path("documents/", include("documents.urls")),
    path("work/", include("workflows.urls")),
    path("reading/", include("reading.urls")),
]
