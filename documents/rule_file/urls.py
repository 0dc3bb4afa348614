from django.urls import path

from . import views

app_name = "rule_file"

urlpatterns = [
    path("", views.page, name="page"),
    path("confirm/", views.confirm, name="confirm"),
    path("regelverk.toml", views.download, name="download"),
]
