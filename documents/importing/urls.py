from django.urls import path

from . import views

app_name = "registerimport"

urlpatterns = [
    path("", views.start, name="start"),
    path("<int:pk>/", views.run_detail, name="run"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("template/", views.template, name="template"),
    path("example/", views.example, name="example"),
    path("export/", views.download, name="export"),
]
