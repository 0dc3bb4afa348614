from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from config.accessibility import accessibility_statement
from documents import health as document_health
from documents import noticeboard_views, sweep_views
from documents import register as document_register
from documents import views as document_views
from notifications.feeds import RegisterFeed

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
    path("register/feed/", RegisterFeed(), name="register_feed"),
    path("register/health/", document_health.health, name="register_health"),
    path("register/mandate-period/", sweep_views.mandate_sweep, name="mandate_sweep"),
    path("tillganglighet/", accessibility_statement, name="accessibility"),
    path("anslagstavla/", noticeboard_views.notice_board, name="noticeboard"),
    path("anslagstavla/atom/", noticeboard_views.NoticeBoardFeed(), name="noticeboard_feed"),
    path("documents/", include("documents.urls")),
    path("work/", include("workflows.urls")),
    path("following/", include("notifications.urls")),
    path("reading/", include("reading.urls")),
]
