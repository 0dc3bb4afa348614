"""The register import's pages (the upload with its list of runs, a run with errors, one
waiting for confirmation, one being imported with its progress bar, one imported, a large
one waiting for its check) in a real
browser at 390 and 1,280 px: no sideways scroll, no serious axe-core violation, nothing in
English. Skipped without Chromium or axe-core, except under ``CI``."""

from __future__ import annotations

import os

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from documents.importing import runs
from documents.models import RegisterImport, RegisterImportStatus
from tests import browser_pages
from tests.factories import build_municipality
from tests.registerfile import kf_policy, xlsx
from tests.test_browser_start_page_in_swedish import _missing, browser  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _runs(m) -> list[RegisterImport]:
    registrar = m.holders["registrator"]
    long_title = (
        "Riktlinjer för hantering av allmänna handlingar i kommunens samtliga förvaltningar"
    )
    rows = [kf_policy(m, Nyckel=f"POL-{n}", Titel=long_title, Fil="", Text="x") for n in range(3)]

    def upload(data: bytes) -> RegisterImport:
        return runs.preview(registrar, SimpleUploadedFile("register-2026.xlsx", data), None)

    bad = upload(xlsx([kf_policy(m, Enhet="SEK-9-FINNS-INTE-I-ORGANISATIONEN")]))
    waiting = upload(xlsx(rows))
    running = upload(xlsx(rows))
    runs.confirm(registrar, running.pk)
    RegisterImport.objects.filter(pk=running.pk).update(
        status=RegisterImportStatus.RUNNING, started_at=timezone.now(), done=640, total=2000
    )
    applied = upload(xlsx(rows))
    runs.confirm(registrar, applied.pk)
    runs.run_pending()
    large = RegisterImport.objects.create(
        filename="hela-registret-2026.xlsx",
        uploaded_by=registrar,
        status=RegisterImportStatus.UPLOADED,
    )
    return [bad, waiting, running, applied, large]


def test_the_register_import_pages_fit_and_are_accessible(browser, live_server, settings, tmp_path):  # noqa: F811
    source = browser_pages.axe_source()
    if source is None:
        _missing("axe-core not found: npm install axe-core (see STYRDOK_AXE_DIR in .ci/run)")
    settings.MEDIA_ROOT = str(tmp_path)
    m = build_municipality()
    paths = ["/register/import/"] + [f"/register/import/{r.pk}/" for r in _runs(m)]
    client = Client()
    client.force_login(m.holders["registrator"])
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    context = browser.new_context(locale="sv-SE", viewport={"width": 390, "height": 844})
    context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    page = context.new_page()
    problems: list[str] = []
    try:
        for path in paths:
            for width in (390, 1280):
                page.set_viewport_size({"width": width, "height": 844})
                response = page.goto(f"{live_server.url}{path}")
                assert response is not None and response.ok, path
                found = browser_pages.overflow_problems(page)
                found += browser_pages.axe_problems(page, source)
                found += browser_pages.foreign_words(page)
                if shots := os.environ.get("STYRDOK_SCREENSHOTS"):
                    name = path.strip("/").replace("/", "-")
                    page.screenshot(path=f"{shots}/{name}-{width}.png", full_page=True)
                problems += [f"{path} at {width} px: {p}" for p in found]
        page.goto(f"{live_server.url}{paths[3]}")
        bar = page.locator("progress#import-progress")
        assert bar.get_attribute("value") == "640" and bar.get_attribute("max") == "2000"
        assert "640 av 2000 dokument importerade (32 %)." in page.inner_text("main")
        # The page follows the job in place (no timed reload), then shows the report.
        running = RegisterImport.objects.get(pk=int(paths[3].split("/")[-2]))
        RegisterImport.objects.filter(pk=running.pk).update(done=1500)
        page.wait_for_function(
            "() => document.querySelector('#import-progress').value === 1500", timeout=15_000
        )
        assert "1500 av 2000 dokument importerade (75 %)." in page.inner_text("#import-now")
        RegisterImport.objects.filter(pk=running.pk).update(status=RegisterImportStatus.FAILED)
        page.wait_for_selector("#import-now", state="detached", timeout=15_000)
        assert "Misslyckades: inget importerades" in page.inner_text("main")
    finally:
        context.close()
    assert not problems, "\n".join(problems)
