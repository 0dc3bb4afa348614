from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.follows, name="follows"),
    path("preferences/", views.preferences, name="preferences"),
    path("documents/<int:document_id>/", views.follow_document, name="follow_document"),
    path("searches/", views.follow_search, name="follow_search"),
    path("<int:follow_id>/stop/", views.stop_following, name="stop"),
]
