from django.urls import path

from . import views

app_name = "registerimport"

urlpatterns = [
    path("", views.start, name="start"),
    path("template/", views.template, name="template"),
    path("export/", views.download, name="export"),
]
