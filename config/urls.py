from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from config import views as site_views
from config.accessibility import accessibility_statement
from config.sso import AuthenticateView, CallbackView
from documents import health as document_health
from documents import noticeboard_views, open_data, public_diarium_views, sweep_views
from documents import register as document_register
from documents import views as document_views
from notifications.feeds import RegisterFeed

admin.site.site_header = _("Styrdok administration")
admin.site.site_title = _("Styrdok")
admin.site.index_title = _("Configuration")

urlpatterns = [
    path("", document_views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("login/", site_views.LoginView.as_view(), name="login"),
    path("logout/", site_views.LogoutView.as_view(), name="logout"),
    # The municipality's accounts (config.sso): 404 unless OIDC_ENABLED.
    path("oidc/authenticate/", AuthenticateView.as_view(), name="oidc_authentication_init"),
    path("oidc/callback/", CallbackView.as_view(), name="oidc_authentication_callback"),
    path("admin/", admin.site.urls),
    path("register/", document_register.register, name="register"),
    path("api/v1/", include("documents.api.urls")),
    path("register/feed/", RegisterFeed(), name="register_feed"),
    path("register/health/", document_health.health, name="register_health"),
    path("register/mandate-period/", sweep_views.mandate_sweep, name="mandate_sweep"),
    path("tillganglighet/", accessibility_statement, name="accessibility"),
    path("anslagstavla/", noticeboard_views.notice_board, name="noticeboard"),
    path("anslagstavla/atom/", noticeboard_views.NoticeBoardFeed(), name="noticeboard_feed"),
    path("diarium/", public_diarium_views.diarium_page, name="public_diarium"),
    path("diarium/atom/", public_diarium_views.DiariumFeed(), name="public_diarium_feed"),
    path("oppna-data/", open_data.open_data_page, name="open_data"),
    path("oppna-data/dcat.jsonld", open_data.dcat_jsonld, name="open_data_dcat"),
    path("oppna-data/styrdokument.csv", open_data.register_csv, name="open_data_register_csv"),
    path("oppna-data/e-diarium.csv", public_diarium_views.diarium_csv, name="public_diarium_csv"),
    path("documents/", include("documents.urls")),
    path("work/", include("workflows.urls")),
    path("following/", include("notifications.urls")),
    path("reading/", include("reading.urls")),
    path("archive/", include("archive.urls")),
    path("organisation/import/", include("org.importing.urls")),
    path("rule-set/", include("documents.rule_file.urls")),
    path("register/import/", include("documents.importing.urls")),
]
