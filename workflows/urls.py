from django.urls import path

from . import views

app_name = "workflows"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("cases/", views.case_list, name="cases"),
    path("cases/new/", views.start_document, name="start"),
    path("cases/<int:case_id>/", views.case_detail, name="case"),
    path("cases/<int:case_id>/chart.svg", views.case_chart, name="chart"),
    path("cases/<int:case_id>/readers/", views.case_readers, name="case_readers"),
    path("tasks/<int:task_id>/", views.task_detail, name="task"),
    path("documents/<int:document_id>/new-version/", views.start_revision, name="start_revision"),
    path("documents/<int:document_id>/repeal/", views.start_repeal, name="start_repeal"),
]
