from django.urls import path

from . import audit_views, file_views, views

app_name = "workflows"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("cases/", views.case_list, name="cases"),
    path("cases/new/", views.start_document, name="start"),
    path("cases/<int:case_id>/", views.case_detail, name="case"),
    path("cases/<int:case_id>/chart.svg", views.case_chart, name="chart"),
    path(
        "cases/<int:case_id>/files/<int:file_id>/",
        file_views.case_file_download,
        name="case_file",
    ),
    path("tasks/<int:task_id>/", views.task_detail, name="task"),
    path("documents/<int:document_id>/new-version/", views.start_revision, name="start_revision"),
    path("documents/<int:document_id>/repeal/", views.start_repeal, name="start_repeal"),
    path("audit/", audit_views.audit_list, name="audit"),
    path("audit/export.csv", audit_views.audit_export, name="audit_export"),
]
