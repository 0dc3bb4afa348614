"""Every main page, as the user who works on it, in a real browser at 390 and 1,280 px.

The demo municipality (``load_demo``) gives a case at every step. Each page is opened in
Chromium (Playwright, as the start-page test) and must have no critical or serious axe-core
violation (WCAG 2.1 A/AA), must not scroll sideways, and must show no English word or
internal code from ``tests.browser_pages``. One browser, one tab per user, both widths in
the same tab. Skipped without Chromium or axe-core, except under ``CI``.

Set ``STYRDOK_SCREENSHOTS`` to a directory to save a PNG of each page at each width
(docs/screenshots/ was made so).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from viewflow.workflow.models import Task

from tests import browser_pages
from tests.test_browser_start_page_in_swedish import _missing, browser  # noqa: F401
from workflows import access
from workflows.models import Case, Meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (390, 1280)
# Pages people print: on paper only the content, no menu, filters or buttons.
PRINTED = {"document", "desk"}
PRINT_HIDDEN = ".site-header, .site-footer, form.filters, main button"

# English a page is known to show still (page label -> the words): none today. An entry
# that is no longer shown fails the test, so the list cannot go stale.
NOT_YET_SWEDISH: dict[str, set[str]] = {}


def _eligible(task: Task) -> str | None:
    case = Case.objects.get(pk=task.process_id)
    for user in get_user_model().objects.filter(is_active=True).order_by("username"):
        if access.can_execute_task(user, task, case):
            return user.username
    return None


def _task_pages() -> list[tuple[str, str, str]]:
    """One open task of each kind, with a user who may do it."""
    pages, seen = [], set()
    for task in Task.objects.filter(status__in=access.OPEN_TASK, flow_task_type="HUMAN").order_by(
        "pk"
    ):
        step = task.flow_task.name
        if step in seen:
            continue
        username = _eligible(task)
        if username:
            seen.add(step)
            pages.append((username, f"task {step}", f"/work/tasks/{task.pk}/"))
    return pages


def _meeting_page() -> tuple[str, str, str]:
    """A held meeting with matters to decide: the secretary's decision page."""
    today = timezone.localdate()
    for case in Case.objects.filter(target_meeting__date__lte=today).select_related(
        "target_meeting"
    ):
        meeting: Meeting = case.target_meeting
        if not Task.objects.filter(
            process=case, status__in=access.OPEN_TASK, flow_task__endswith=".decision"
        ).exists():
            continue
        for user in get_user_model().objects.filter(is_active=True).order_by("username"):
            if access.can_record_meeting_decisions(user, meeting):
                return user.username, "meeting decisions", f"/work/desk/meetings/{meeting.pk}/"
    pytest.fail("the demo has no held meeting with a matter to decide")


def main_pages() -> list[tuple[str, str, str]]:
    """(username or "" for anonymous, label, path) of every page a person works on."""
    from documents.models import Document, DocumentType

    documents = Document.objects.filter(versions__number__gte=2).distinct().order_by("pk")
    document = documents.first()
    case = Case.objects.exclude(document=None).order_by("-pk").first()
    chief = "enhetschef.solrosen"
    return [
        ("", "log-in", "/login/"),
        ("", "register", "/register/"),
        ("", "notice board", "/anslagstavla/"),
        ("", "document", f"/documents/{document.pk}/"),
        ("", "diff", f"/documents/{document.pk}/diff/"),
        ("", "accessibility statement", "/tillganglighet/"),
        ("", "e-diarium", "/diarium/"),
        ("", "open data", "/oppna-data/"),
        ("medarbetare", "start", "/"),
        ("medarbetare", "register as staff", "/register/"),
        ("medarbetare", "to read", "/reading/"),
        ("medarbetare", "following", "/following/"),
        (chief, "inbox", "/work/"),
        (chief, "new document", "/work/cases/new/"),
        (chief, "read overview", "/reading/overview/"),
        ("registrator", "desk", "/work/desk/"),
        ("registrator", "diarium", "/work/desk/diarium/"),
        ("registrator", "meetings", "/work/desk/meetings/"),
        ("registrator", "review report", "/work/desk/review-report/"),
        ("registrator", "audit trail", "/work/audit/"),
        ("registrator", "cases", "/work/cases/"),
        ("registrator", "case", f"/work/cases/{case.pk}/"),
        ("registrator", "record form", f"/work/cases/{case.pk}/records/new/"),
        ("registrator", "register health", "/register/health/"),
        ("registrator", "archive packages", "/archive/"),
        ("registrator", "register import", "/register/import/"),
        ("admin", "organisation import", "/organisation/import/"),
        ("admin", "rule set file", "/rule-set/"),
        _meeting_page(),
        # The admin's rule rows (an inline table of selects) as the administrator sees them.
        (
            "admin",
            "admin document type",
            f"/admin/documents/documenttype/{DocumentType.objects.get(code='policy').pk}/change/",
        ),
        *_task_pages(),
    ]


def _language_problems(label: str, found: list[str]) -> list[str]:
    expected = NOT_YET_SWEDISH.get(label, set())
    problems = []
    if unexpected := [w for w in found if w not in expected]:
        problems.append(f"shows English or a code: {', '.join(unexpected)}")
    if expected and not expected & set(found):
        problems.append("no longer shows its expected English: remove it from NOT_YET_SWEDISH")
    return problems


def _print_problems(page) -> list[str]:
    page.emulate_media(media="print")
    try:
        shown = page.locator(PRINT_HIDDEN).evaluate_all(
            "els => els.filter(e => e.getClientRects().length).map(e => e.tagName + '.' + e.className)"
        )
        if not page.locator("main h1").is_visible():
            shown.append("(the heading is not printed)")
    finally:
        page.emulate_media(media="screen")
    return [f"prints {', '.join(shown)}"] if shown else []


def _login_cookie(username: str) -> str:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client.cookies[django_settings.SESSION_COOKIE_NAME].value


def test_every_main_page_fits_and_is_accessible(browser, live_server, settings, tmp_path):  # noqa: F811
    source = browser_pages.axe_source()
    if source is None:
        _missing("axe-core not found: npm install axe-core (see STYRDOK_AXE_DIR in .ci/run)")
    settings.MEDIA_ROOT = str(tmp_path)
    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    pages = main_pages()
    shots = os.environ.get("STYRDOK_SCREENSHOTS")

    problems: list[str] = []
    by_user: dict[str, list[tuple[str, str]]] = {}
    for username, label, path in pages:
        by_user.setdefault(username, []).append((label, path))
    for username, visits in by_user.items():
        context = browser.new_context(locale="sv-SE", viewport={"width": WIDTHS[0], "height": 844})
        context.set_default_timeout(20_000)
        if username:
            context.add_cookies(
                [
                    {
                        "name": django_settings.SESSION_COOKIE_NAME,
                        "value": _login_cookie(username),
                        "url": live_server.url,
                    }
                ]
            )
        page = context.new_page()
        try:
            for label, path in visits:
                for width in WIDTHS:
                    page.set_viewport_size({"width": width, "height": 844})
                    response = page.goto(f"{live_server.url}{path}")
                    where = f"{label} ({username or 'anonymous'}, {path}) at {width} px"
                    if response is None or not response.ok:
                        problems.append(f"{where}: HTTP {response and response.status}")
                        continue
                    found = browser_pages.overflow_problems(page)
                    found += browser_pages.axe_problems(page, source)
                    # The admin's menu of models is another part of issue 20 (its labels);
                    # here only what the page itself shows counts.
                    scope = "#content" if path.startswith("/admin/") else "body"
                    found += _language_problems(label, browser_pages.foreign_words(page, scope))
                    problems += [f"{where}: {p}" for p in found]
                    if label in PRINTED and width == WIDTHS[-1]:
                        found += _print_problems(page)
                    if shots:
                        name = label.replace(" ", "-")
                        Path(shots).mkdir(parents=True, exist_ok=True)
                        page.screenshot(path=f"{shots}/{name}-{width}.png", full_page=False)
        finally:
            context.close()
    assert not problems, "\n".join(problems)
