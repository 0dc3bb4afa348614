import datetime
from pathlib import PurePath

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _

from org.selectors import acting_in

from . import access as document_access
from . import diff as text_diff
from . import pdf as pdf_render
from . import selectors
from .files import EXTENSIONS
from .models import Document, DocumentStatus, DocumentType, DocumentVersion, VersionStatus
from .sanitize import clean_html


def home(request):
    """The start page: what the user can do and the documents valid now."""
    acting = acting_in(request.user) if request.user.is_authenticated else []
    valid = document_access.register_documents(request.user).filter(status=DocumentStatus.VALID)
    context = {
        "acting": acting,
        "sees_health": document_access.can_see_health_page(request.user),
        "sees_sweep": document_access.can_see_mandate_sweep(request.user),
        "types": DocumentType.objects.filter(is_active=True),
        "valid_count": valid.count(),
        "recent": valid.select_related("document_type", "scope_unit", "current_version").order_by(
            "-current_version__valid_from"
        )[:10],
    }
    return render(request, "home.html", context)


# --- The document page, fixed versions, diff and downloads ------------------------------
#
# Every view here answers 404, the same for a missing and a forbidden object, before it
# reads anything else; visibility is decided in documents.access only.

# Largest id or number accepted from a URL or query string (larger ones cannot exist).
MAX_ID = 2**31 - 1

_VERSION_RELATED = ("adoption__body", "adoption__position", "diary_entry__series")


def _document_or_404(request, document_id: int) -> Document:
    document = (
        Document.objects.select_related(
            "document_type",
            "scope_unit",
            "process",
            "owner_position",
            "parent",
            "current_version__adoption__body",
            "current_version__adoption__position",
            "current_version__diary_entry__series",
        )
        .filter(pk=document_id)
        .first()
        if 0 < document_id <= MAX_ID
        else None
    )
    if document is None or not document_access.can_view_document(request.user, document):
        raise Http404
    return document


def _version_or_404(request, document: Document, number: int) -> DocumentVersion:
    """The version ``number`` of the document, if the user may see it."""
    current = document.current_version
    if current is not None and current.number == number:
        version = current
    else:
        version = (
            DocumentVersion.objects.select_related(*_VERSION_RELATED)
            .filter(document=document, number=number)
            .first()
            if 0 < number <= MAX_ID
            else None
        )
    if version is None:
        raise Http404
    version.document = document  # share the loaded document (and its visibility)
    if not document_access.can_view_version(request.user, version):
        raise Http404
    return version


def _shown_version(document: Document) -> DocumentVersion | None:
    """What /documents/<id>/ shows: the valid version, or the last one of a repealed
    document. None for a document that was never adopted."""
    version = document.current_version
    if document.status == DocumentStatus.VALID and version is not None:
        return version
    if document.status == DocumentStatus.REPEALED:
        if version is None or version.status not in document_access.REGISTER_VERSION_STATUSES:
            version = (
                document.versions.filter(status__in=document_access.REGISTER_VERSION_STATUSES)
                .select_related(*_VERSION_RELATED)
                .order_by("-number")
                .first()
            )
        if version is not None:
            version.document = document
        return version
    return None


def _history(document: Document) -> list[DocumentVersion]:
    """The register's versions of the document, newest first, in one query."""
    versions = list(
        document.versions.filter(status__in=document_access.REGISTER_VERSION_STATUSES)
        .select_related(*_VERSION_RELATED)
        .order_by("-number")
    )
    for v in versions:
        v.document = document
        # The last day the version applied: its valid-until date, or the day before the
        # next version took over.
        v.last_day = v.valid_until or (
            v.superseded_on - datetime.timedelta(days=1) if v.superseded_on else None
        )
    return versions


def _version_context(request, document: Document, version: DocumentVersion | None, *, fixed: bool):
    user = request.user
    history = _history(document)
    previous, replaced_by, replaces = _neighbours(history, version)
    parent = document.parent
    if parent is not None and not document_access.can_view_document(user, parent):
        parent = None
    children = (
        document_access.register_documents(user)
        .filter(parent=document, status=DocumentStatus.VALID)
        .select_related("document_type")
        .order_by("title")
    )
    open_case, can_start = _case_links(user, document, fixed=fixed)
    original = _original_file(version)
    return {
        "document": document,
        "version": version,
        "fixed": fixed,
        **_version_state(document, version, timezone.localdate()),
        "replaces": replaces,
        "replaced_by": replaced_by if version and version.status != VersionStatus.VALID else None,
        "previous": previous,
        "history": history,
        "history_rows": list(zip(history, [*history[1:], None], strict=False)),
        "parent": parent,
        "children": children,
        "open_case": open_case,
        "can_start": bool(can_start),
        "repeal": selectors.repealing_decision(document),
        "original": original,
        "original_kind": _file_kind(original.content_type) if original else "",
        **_archival_state(version, original),
    }


def _neighbours(history: list[DocumentVersion], version: DocumentVersion | None):
    """The version before the shown one, the one after it, and the one it replaces: only
    versions of the register (the history holds them, decisions loaded)."""
    previous = next((v for v in history if version and v.number < version.number), None)
    replaced_by = next(
        (v for v in reversed(history) if version and v.number > version.number), None
    )
    by_pk = {v.pk: v for v in history}
    replaces = by_pk.get(version.replaces_id) if version is not None else None
    return previous, replaced_by, replaces


def _case_links(user, document: Document, *, fixed: bool):
    """The document's open case, if the user may see it, and whether the user may start
    one from this page (None for both when not logged in)."""
    if not user.is_authenticated:
        return None, None
    open_case = document_access.open_case(document)
    can_start = (
        not fixed
        and open_case is None
        and document.status == DocumentStatus.VALID
        and document_access.can_start_case(user)
    )
    if open_case is not None and not document_access.can_view_case(user, open_case):
        open_case = None
    return open_case, can_start


def _original_file(version: DocumentVersion | None):
    """The version's newest uploaded file (what the download offers), with its archival
    copy if made, or None."""
    if version is None:
        return None
    return (
        version.files.select_related("archival_copy")
        .only(
            "pk",
            "original_name",
            "content_type",
            "size",
            "version_id",
            *(f"archival_copy__{n}" for n in ("id", "conformance", "failure", "file")),
        )  # fmt: skip
        .order_by("-uploaded_at", "-pk")
        .first()
    )


def _archival_state(version: DocumentVersion | None, original) -> dict:
    """Whether the page offers the version's PDF/A, and what it says of the uploaded
    file's: its archival format, or why it could not be converted."""
    from .pdfa.store import user_note

    published = version is not None and version.status in document_access.REGISTER_VERSION_STATUSES
    copy = getattr(original, "archival_copy", None) if original is not None else None
    return {
        "archival": published,
        "original_archival_note": user_note(copy) if published and copy else "",
        "original_archival_link": bool(
            published
            and original is not None
            and original.content_type == "application/pdf"
            and (copy is None or copy.converted)
        ),
    }


def _version_state(document: Document, version: DocumentVersion | None, today) -> dict:
    """Whether the shown version is the document's current one, past its valid-until date,
    or overdue for review."""
    valid = version is not None and version.status == VersionStatus.VALID
    return {
        "is_current": version is not None and version.pk == document.current_version_id,
        "expired": bool(valid and version.valid_until and version.valid_until < today),
        "review_overdue": bool(valid and version.next_review and version.next_review < today),
    }


def _file_kind(content_type: str) -> str:
    return {
        "application/pdf": "PDF",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word",
        "application/vnd.oasis.opendocument.text": "OpenDocument",
    }.get(content_type, "")


def document_detail(request, document_id: int):
    """/documents/<id>/: always the version valid now (or the last one of a repealed
    document), its decision, facts, downloads, relations and history."""
    document = _document_or_404(request, document_id)
    version = _shown_version(document)
    context = _version_context(request, document, version, fixed=False)
    return render(request, "documents/document_detail.html", context)


def version_detail(request, document_id: int, number: int):
    """/documents/<id>/versions/<n>/: one version, the same forever."""
    document = _document_or_404(request, document_id)
    version = _version_or_404(request, document, number)
    context = _version_context(request, document, version, fixed=True)
    return render(request, "documents/document_detail.html", context)


def _int_param(request, name: str) -> int | None:
    value = request.GET.get(name, "").strip()
    if not value:
        return None
    if (
        not value.isascii()
        or not value.isdigit()
        or len(value) > 10
        or not 0 < int(value) <= MAX_ID
    ):
        raise Http404
    return int(value)


def document_diff(request, document_id: int):
    """/documents/<id>/diff/?from=<n>&to=<m>: what changed between two versions, word by
    word. Without parameters: the valid version against the one before it."""
    document = _document_or_404(request, document_id)
    history = _history(document)
    to_number = _int_param(request, "to")
    from_number = _int_param(request, "from")
    if to_number is None:
        shown = _shown_version(document)
        if shown is None:
            raise Http404
        to_number = shown.number
    if from_number is None:
        earlier = [v.number for v in history if v.number < to_number]
        if not earlier:
            raise Http404
        from_number = earlier[0]
    old = _version_or_404(request, document, from_number)
    new = _version_or_404(request, document, to_number)
    result = text_diff.diff_html(clean_html(old.body), clean_html(new.body))
    segments = [
        (
            hidden,
            mark_safe("".join(text_diff.render_block(b) for b in blocks)),  # noqa: S308 - escaped by documents.diff
            len(blocks),
        )
        for hidden, blocks in text_diff.collapse(result.runs)
    ]
    title_html = None
    if old.title != new.title:
        title_html = mark_safe(text_diff.word_diff(old.title, new.title)[0])  # noqa: S308
    context = {
        "document": document,
        "old": old,
        "new": new,
        "result": result,
        "segments": segments,
        "title_html": title_html,
        "history": history,
    }
    return render(request, "documents/document_diff.html", context)


def _attachment(response, filename: str):
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-cache"
    # Even if a browser rendered the file, it could run nothing and load nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _record_download(request, action: str, document: Document, version: DocumentVersion, target):
    """Downloads of material that is not public (internal documents, case material) go into
    the audit trail; public documents are public records and are not logged."""
    if document.is_public and version.status in document_access.REGISTER_VERSION_STATUSES:
        return
    from audit.recording import record_now

    case = version.cases.order_by("-pk").first()
    record_now(
        action,
        actor=request.user,
        target=target,
        case=case,
        comment=f"{document.title} v{version.number}",
    )


def _pdf_response(document: Document, version: DocumentVersion) -> HttpResponse:
    banner = ""
    if version.status == VersionStatus.REPEALED or document.status == DocumentStatus.REPEALED:
        banner = _repealed_label(document)
    elif version.status == VersionStatus.SUPERSEDED:
        banner = _("Superseded version; it no longer applies.")
    elif version.status != VersionStatus.VALID:
        banner = str(version.get_status_display())
    data = pdf_render.version_pdf(version, banner=banner)
    name = f"{slugify(version.title or document.title) or 'dokument'}-v{version.number}.pdf"
    return _attachment(HttpResponse(data, content_type="application/pdf"), name)


def _repealed_label(document: Document) -> str:
    if document.repealed_on:
        return _("Repealed %(date)s") % {"date": document.repealed_on.strftime("%Y-%m-%d")}
    return _("Repealed")


def document_pdf_download(request, document_id: int):
    """/documents/<id>/pdf/: a PDF of the version /documents/<id>/ shows."""
    document = _document_or_404(request, document_id)
    version = _shown_version(document)
    if version is None:
        raise Http404
    response = _pdf_response(document, version)
    _record_download(request, "pdf_downloaded", document, version, version)
    return response


def version_pdf_download(request, document_id: int, number: int):
    """/documents/<id>/versions/<n>/pdf/: a PDF of one version."""
    document = _document_or_404(request, document_id)
    version = _version_or_404(request, document, number)
    response = _pdf_response(document, version)
    _record_download(request, "pdf_downloaded", document, version, version)
    return response


def version_file_download(request, document_id: int, number: int):
    """/documents/<id>/versions/<n>/file/: the version's newest uploaded file, only through
    this permission check (uploads have no public URL)."""
    document = _document_or_404(request, document_id)
    version = _version_or_404(request, document, number)
    stored = version.files.first()  # the newest: VersionFile's ordering
    if stored is None:
        raise Http404
    response = stored_file_response(stored)
    _record_download(request, "file_downloaded", document, version, stored)
    return response


def stored_file_response(stored) -> FileResponse:
    """An uploaded file as a download: always an attachment, of a type detected from its
    content when it was uploaded (PDF, DOCX, ODT; anything else as octet-stream), never
    sniffed into HTML by the browser."""
    try:
        handle = stored.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    content_type = stored.content_type if stored.content_type in EXTENSIONS else ""
    name = _download_name(stored.original_name, content_type)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=name,
        content_type=content_type or "application/octet-stream",
    )
    return _attachment(response, name)


def _download_name(original: str, content_type: str) -> str:
    """The uploaded name, with the extension of the type detected from the content."""
    name = PurePath((original or "").replace("\\", "/")).name or "dokument"
    extension = EXTENSIONS.get(content_type)
    if extension and not name.lower().endswith(extension):
        name = f"{PurePath(name).stem or 'dokument'}{extension}"
    return name
