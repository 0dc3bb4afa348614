from django.urls import path

from . import pdfa_views, views

app_name = "documents"

urlpatterns = [
    # Always the version valid now (or the last one of a repealed document).
    path("<int:document_id>/", views.document_detail, name="detail"),
    path("<int:document_id>/pdf/", views.document_pdf_download, name="pdf"),
    path("<int:document_id>/diff/", views.document_diff, name="diff"),
    # One fixed version, forever.
    path("<int:document_id>/versions/<int:number>/", views.version_detail, name="version"),
    path(
        "<int:document_id>/versions/<int:number>/file/",
        views.version_file_download,
        name="version_file",
    ),
    path(
        "<int:document_id>/versions/<int:number>/pdf/",
        views.version_pdf_download,
        name="version_pdf",
    ),
    # Archival copies (PDF/A): the version's and its uploaded file's.
    path(
        "<int:document_id>/versions/<int:number>/pdfa/",
        pdfa_views.version_archival_pdf,
        name="version_archival_pdf",
    ),
    path(
        "<int:document_id>/versions/<int:number>/file/pdfa/",
        pdfa_views.version_file_archival_pdf,
        name="version_file_archival_pdf",
    ),
]
