from django.urls import path

from . import views

app_name = "reading"

urlpatterns = [
    path("", views.to_read, name="to_read"),
    path("<int:version_id>/confirm/", views.confirm, name="confirm"),
    path("overview/", views.overview, name="overview"),
    path("overview/<int:unit_id>/", views.overview, name="overview_unit"),
    path(
        "overview/<int:unit_id>/<int:version_id>/",
        views.overview_document,
        name="overview_document",
    ),
    path("overview/<int:unit_id>/<int:version_id>/remind/", views.remind, name="remind"),
    path(
        "overview/<int:unit_id>/<int:version_id>/export.xlsx",
        views.export_xlsx,
        name="export",
    ),
]
