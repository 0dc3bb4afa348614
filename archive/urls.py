from django.urls import path

from . import views

app_name = "archive"

urlpatterns = [
    path("", views.exports, name="exports"),
    path("<int:export_id>/paket.zip", views.download, name="download"),
]
