from django.urls import path

from . import audit_views, desk_views, file_views, review_report_views, views

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
    path("cases/<int:case_id>/readers/", views.case_readers, name="case_readers"),
    path("tasks/<int:task_id>/", views.task_detail, name="task"),
    path("documents/<int:document_id>/new-version/", views.start_revision, name="start_revision"),
    path("documents/<int:document_id>/repeal/", views.start_repeal, name="start_repeal"),
    path("audit/", audit_views.audit_list, name="audit"),
    path("audit/export.csv", audit_views.audit_export, name="audit_export"),
    path("desk/", desk_views.dashboard, name="desk"),
    path("desk/export.csv", desk_views.export_csv, name="desk_csv"),
    path("desk/export.xlsx", desk_views.export_xlsx, name="desk_xlsx"),
    path("desk/diarium/", desk_views.diarium, name="desk_diarium"),
    path("desk/diarium/public/", desk_views.diarium_publicity, name="desk_diarium_public"),
    path("desk/review-report/", review_report_views.review_report_page, name="review_report"),
    path(
        "desk/review-report/attach/",
        review_report_views.attach_review_report_view,
        name="review_report_attach",
    ),
    path("desk/meetings/", desk_views.meetings, name="desk_meetings"),
    path("desk/meetings/<int:meeting_id>/", desk_views.meeting_detail, name="desk_meeting"),
    path(
        "cases/<int:case_id>/target-meeting/",
        desk_views.set_target_meeting,
        name="desk_target_meeting",
    ),
    path("cases/<int:case_id>/records/new/", desk_views.register_record, name="desk_record"),
    path("records/<int:record_id>/file/", desk_views.record_file, name="desk_record_file"),
]
