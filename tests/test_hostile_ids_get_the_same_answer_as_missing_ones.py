"""Every address that names an object answers the same for an object the user may not
see as for one that does not exist (404; the admin: its log-in page or "no such
object"), with nothing of the object in the page.

The test walks the project's URL resolver: an address with an id that is not covered
here fails ``test_every_address_with_an_id_is_covered`` until it is.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from documents.models import Document, VersionFile
from workflows.models import Meeting, RegisteredRecord

MISSING = 987654321
# Parameters that do not name an object.
NOT_IDS = {"app_label", "format", "url"}  # "url": the admin's catch-all


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            pattern = entry.pattern
            params = set(getattr(pattern, "converters", {}) or {})
            regex = getattr(pattern, "regex", None)
            if regex is not None:
                params |= set(regex.groupindex)
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield name or "", prefix + str(pattern), params, entry


def _id_patterns():
    return [
        (name, route, params)
        for name, route, params, _ in _walk(get_resolver().url_patterns)
        if params - NOT_IDS
    ]


# For each named address: which kwargs name a hidden object (for the "employee", who has
# no part in the draft case, and for an anonymous visitor where the object is internal).
def _draft(world):
    return world.states["draft"]


def _internal(world):
    return world.states["internal"]


def _document(subject):
    return {"document_id": subject.document.pk}


def _version(subject):
    return {"document_id": subject.document.pk, "number": subject.version.number}


def _draft_file(subject):
    return VersionFile.objects.filter(version_id=subject.case.version_id).order_by("pk").first()


def _case(subject):
    return {"case_id": subject.case.pk}


def _someone_elses_follow(subject):
    from notifications.models import Follow

    follow, _ = Follow.objects.get_or_create(
        user=subject.case.started_by, document=None, query="q=hemligt", defaults={"label": "x"}
    )
    return {"follow_id": follow.pk}


def _scope_unit(subject):
    return {"unit_id": subject.document.scope_unit_id}


def _unit_and_version(subject):
    return {"unit_id": subject.document.scope_unit_id, "version_id": subject.version.pk}


def _organisation_import(subject):
    from org.models import OrganisationImport

    run = OrganisationImport.objects.create(
        filename="organisation.xlsx", content=b"secret", ends_from=datetime.date(2026, 1, 1)
    )
    return {"pk": run.pk}


def _register_import(subject):
    from documents.models import RegisterImport

    run = RegisterImport.objects.create(
        filename="register.xlsx", uploaded_by=subject.case.started_by, status="previewed"
    )
    return {"pk": run.pk}


def _archive_export(subject) -> dict:
    from archive.models import ArchiveExport

    export = ArchiveExport.objects.create(
        requested_by=subject.case.started_by,
        kind="document",
        document=subject.document,
        status="done",
    )
    return {"export_id": export.pk}


COVERED = {
    "documents:detail": (_document, {"document_id": MISSING}),
    "documents:pdf": (_document, {"document_id": MISSING}),
    "documents:diff": (_document, {"document_id": MISSING}),
    "documents:version": (_version, {"document_id": MISSING, "number": 1}),
    "documents:version_file": (_version, {"document_id": MISSING, "number": 1}),
    "documents:version_pdf": (_version, {"document_id": MISSING, "number": 1}),
    "documents:version_archival_pdf": (_version, {"document_id": MISSING, "number": 1}),
    "documents:version_file_archival_pdf": (_version, {"document_id": MISSING, "number": 1}),
    "workflows:case": (_case, {"case_id": MISSING}),
    "workflows:chart": (_case, {"case_id": MISSING}),
    "workflows:case_readers": (_case, {"case_id": MISSING}),
    "workflows:task": (lambda s: {"task_id": s.task.pk}, {"task_id": MISSING}),
    "workflows:start_revision": (_document, {"document_id": MISSING}),
    "workflows:start_repeal": (_document, {"document_id": MISSING}),
    "register-detail": (lambda s: {"pk": s.version.pk}, {"pk": MISSING}),
    "workflows:case_file": (
        lambda s: {"case_id": s.case.pk, "file_id": _draft_file(s).pk},
        {"case_id": MISSING, "file_id": MISSING},
    ),
    "workflows:desk_target_meeting": (_case, {"case_id": MISSING}),
    "workflows:desk_record": (_case, {"case_id": MISSING}),
    "workflows:desk_record_file": (
        lambda s: {"record_id": RegisteredRecord.objects.get(case=s.case).pk},
        {"record_id": MISSING},
    ),
    "workflows:desk_meeting": (
        lambda s: {"meeting_id": Meeting.objects.order_by("pk").first().pk},
        {"meeting_id": MISSING},
    ),
    "notifications:follow_document": (_document, {"document_id": MISSING}),
    "notifications:stop": (_someone_elses_follow, {"follow_id": MISSING}),
    "reading:confirm": (lambda s: {"version_id": s.version.pk}, {"version_id": MISSING}),
    "reading:overview_unit": (_scope_unit, {"unit_id": MISSING}),
    "reading:overview_document": (_unit_and_version, {"unit_id": MISSING, "version_id": MISSING}),
    "reading:remind": (_unit_and_version, {"unit_id": MISSING, "version_id": MISSING}),
    "reading:export": (_unit_and_version, {"unit_id": MISSING, "version_id": MISSING}),
    "orgimport:run": (_organisation_import, {"pk": MISSING}),
    "orgimport:confirm": (_organisation_import, {"pk": MISSING}),
    "registerimport:run": (_register_import, {"pk": MISSING}),
    "registerimport:confirm": (_register_import, {"pk": MISSING}),
    "archive:download": (_archive_export, {"export_id": MISSING}),
}
# The desk refuses everyone but the registrar and the secretaries before it looks anything
# up: 403 for an existing and a missing object alike; so do the chief's read acknowledgement
# pages for everyone but chiefs, the organisation import for everyone but administrators, and
# the archive packages' download and the register import for everyone but the registrar and
# administrators.
DESK_DOORS = {
    "workflows:desk_meeting",
    "archive:download",
    "orgimport:run",
    "orgimport:confirm",
    "registerimport:run",
    "registerimport:confirm",
    "reading:overview_unit",
    "reading:overview_document",
    "reading:remind",
    "reading:export",
}
# Addresses an anonymous visitor may reach without logging in: also tried with an internal
# document's ids.
ANONYMOUS_DOORS = {
    "documents:detail",
    "documents:pdf",
    "documents:diff",
    "documents:version",
    "documents:version_file",
    "documents:version_pdf",
    # Not in OWNER_SEES: a draft has no archival PDF, not even for its author.
    "documents:version_archival_pdf",
    "documents:version_file_archival_pdf",
    "register-detail",
}


OWNER_SEES = {
    "workflows:case_file",
    "workflows:desk_record_file",
    "documents:detail",
    "documents:version",
    "documents:version_file",
    "documents:version_pdf",
    "workflows:case",
    "workflows:chart",
    "workflows:task",
}


def _fill(route: str, kwargs: dict) -> str:
    """The path of ``route`` (a pattern string) with ``kwargs`` filled in."""
    path = route
    for key, value in kwargs.items():
        path = re.sub(rf"\(\?P<{key}>[^)]*\)", str(value), path)
        path = re.sub(rf"<(?:\w+:)?{key}>", str(value), path)
    if "(?P<format>" in path:
        path = re.sub(r"\\\.\(\?P<format>[^)]*\)", ".json", path)
    path = path.replace("^", "").replace("$", "").replace("/?", "/")
    return "/" + path


def _client(user) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user.is_authenticated:
        client.force_login(user)
    return client


def _secrets(subject) -> list[str]:
    return [
        f"Riktlinje {subject.word}",
        f"Texten om {subject.word.lower()}",
        subject.case.diarienummer,
        "Författarsson",
        "Medsson",
    ]


def _without(location: str, url: str) -> str:
    from urllib.parse import quote

    return location.replace(quote(url), "URL").replace(url, "URL")


def _same_answer(client, hidden_url: str, missing_url: str, subject, hidden_id, method: str):
    send = client.post if method == "post" else client.get
    hidden, missing = send(hidden_url), send(missing_url)
    assert hidden.status_code == missing.status_code, (
        method,
        hidden_url,
        hidden.status_code,
        missing.status_code,
    )
    hidden_location = _without(hidden.get("Location", ""), hidden_url)
    missing_location = _without(missing.get("Location", ""), missing_url)
    assert hidden_location == missing_location
    body = b"".join(hidden.streaming_content) if hidden.streaming else hidden.content
    text = body.decode(errors="replace")
    for secret in _secrets(subject):
        assert secret not in text, (hidden_url, secret)
    return hidden


# Addresses whose every id names a record anyone may see exists: the e-diarium's records
# (offentlighetsprincipen: every diarienummer is listed). What a record may not show is
# masked, not hidden; tests/test_public_diarium_api_answers_as_the_page.py checks that a
# masked record's subject never appears.
PUBLIC_BY_LAW = {"diarium-detail"}


def test_every_address_with_an_id_is_covered():
    uncovered = sorted(
        {
            name or route
            for name, route, _ in _id_patterns()
            # Every admin address is tried by the admin test below.
            if not (name.startswith("admin:") or route.startswith("admin/"))
        }
        - set(COVERED)
        - PUBLIC_BY_LAW
    )
    assert uncovered == [], f"Add these addresses to the hostile-id test: {uncovered}"


def test_nothing_of_viewflow_is_reachable():
    """viewflow's frontend (process and task lists, its task views) is not mounted: no
    address of the project leads to a view defined by viewflow."""
    from_viewflow = [
        route
        for _, route, _, entry in _walk(get_resolver().url_patterns)
        if getattr(entry.callback, "__module__", "").startswith("viewflow")
    ]
    assert from_viewflow == []


def _cases():
    for name, route, _ in _id_patterns():
        if name.startswith("admin:") or name not in COVERED:
            continue
        for method in ("get", "post"):
            yield pytest.param(name, route, method, "employee", id=f"{name}-{route}-{method}")
            if name in ANONYMOUS_DOORS:
                yield pytest.param(
                    name, route, method, "anonymous", id=f"{name}-{route}-{method}-anonymous"
                )


@pytest.mark.parametrize(("name", "route", "method", "role"), list(_cases()))
def test_a_hidden_object_answers_like_a_missing_one(access_world, db, name, route, method, role):
    subject = _draft(access_world) if role == "employee" else _internal(access_world)
    hidden_kwargs_of, missing_kwargs = COVERED[name]
    hidden_kwargs = hidden_kwargs_of(subject)
    hidden_url, missing_url = _fill(route, hidden_kwargs), _fill(route, missing_kwargs)
    client = _client(access_world.users[role])
    hidden_id = next(iter(hidden_kwargs.values()))
    response = _same_answer(client, hidden_url, missing_url, subject, hidden_id, method)
    # The policy: 404, whether the object is hidden or missing (a page that only takes
    # POST, or the read-only API, answers other methods with 405, the same for both).
    allowed = (403, 405) if name in DESK_DOORS else (404, 405)
    assert response.status_code in allowed, (hidden_url, response.status_code)
    if name in OWNER_SEES:
        # The hidden id really names an object: its author opens it.
        owner = _client(access_world.users["author"])
        assert owner.get(hidden_url).status_code == 200, hidden_url


def _admin_object(model, world):
    if model is Document:
        return world.states["draft"].document
    return model._default_manager.order_by("pk").first()


def _admin_cases():
    for name, route, params in _id_patterns():
        if not name.startswith("admin:") and not route.startswith("admin/"):
            continue
        for role in ("employee", "staff"):
            yield pytest.param(name, route, params, role, id=f"{name or route}-{role}")


@pytest.mark.parametrize(("name", "route", "params", "role"), list(_admin_cases()))
def test_the_admin_answers_a_hidden_object_like_a_missing_one(
    access_world, db, name, route, params, role
):
    """Not staff: the admin's log-in page either way. Staff with document permissions:
    a draft they may not see is "no such object", like a missing one."""
    match = re.match(r"admin/(\w+)/(\w+)/", route)
    subject = _draft(access_world)
    if match:
        model = apps.get_model(match.group(1), match.group(2))
        hidden = _admin_object(model, access_world)
        if hidden is None:
            pytest.skip(f"no {model._meta.label} in the world")
        kwargs = {"object_id": hidden.pk}
        missing = {"object_id": MISSING}
    else:  # view on site: /admin/r/<content type>/<object>/
        content_type = ContentType.objects.get_for_model(Document)
        kwargs = {"content_type_id": content_type.pk, "object_id": subject.document.pk}
        missing = {"content_type_id": content_type.pk, "object_id": MISSING}
    client = _client(access_world.users[role])
    for method in ("get", "post"):
        response = _same_answer(
            client,
            _fill(route, kwargs),
            _fill(route, missing),
            subject,
            kwargs["object_id"],
            method,
        )
        if role == "employee":
            assert response.status_code == 302
            assert response["Location"].startswith("/admin/login/")
