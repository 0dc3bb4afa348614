"""On a phone a wide table scrolls on its own instead of widening the page: every table of
the main pages sits in a region that is named (for screen readers) and takes focus (so the
keyboard can scroll it), and the inputs in the meeting's decision table are named by their
column and matter. Found checking issue 18's pages at 390 px with axe: the register, the
document's history, the desk and the meeting page were 480-1,600 px wide, and the meeting
page's inputs had no names (a critical violation)."""

from __future__ import annotations

import io
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from documents.models import Document, DocumentStatus
from workflows.models import Case, Meeting

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class _Page(HTMLParser):
    """The tables of a page with the scroll region around each, the ids, and the inputs
    inside tables that have no name."""

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, dict]] = []
        self.ids: set[str] = set()
        self.tables: list[dict | None] = []  # the region around each table, or None
        self.unnamed_inputs: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "table":
            region = next(
                (
                    a
                    for t, a in reversed(self.stack)
                    if t == "div" and "table-scroll" in (a.get("class") or "").split()
                ),
                None,
            )
            self.tables.append(region)
        if tag in {"input", "select", "textarea"} and attrs.get("type") != "hidden":
            in_table = any(t == "table" for t, _ in self.stack)
            in_label = any(t == "label" for t, _ in self.stack)
            if in_table and not in_label and not attrs.get("aria-label"):
                self.unnamed_inputs.append(attrs.get("name", tag))
        if tag not in VOID:
            self.stack.append((tag, attrs))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break


def _check(response) -> _Page:
    assert response.status_code == 200, response.status_code
    page = _Page()
    page.feed(response.content.decode())
    assert page.tables, "the page shows a table"
    for region in page.tables:
        assert region is not None, "a table outside a scroll region"
        assert region.get("role") == "region" and region.get("tabindex") == "0", region
        named_by = region.get("aria-labelledby")
        assert region.get("aria-label") or (named_by and named_by in page.ids), region
    assert page.unnamed_inputs == []
    return page


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    call_command("load_demo", stdout=io.StringIO())


def test_every_main_page_keeps_its_tables_in_named_scroll_regions(demo, client, django_user_model):
    revised = (
        Document.objects.filter(status=DocumentStatus.VALID, is_public=True, versions__number=2)
        .distinct()
        .first()
    )
    for url in (
        reverse("home"),
        reverse("register"),
        reverse("documents:detail", args=[revised.pk]),
        reverse("public_diarium"),
    ):
        _check(client.get(url))

    client.force_login(django_user_model.objects.get(username="registrator"))
    case = Case.objects.filter(finished__isnull=False).first()
    for url in (
        reverse("workflows:desk"),
        reverse("workflows:desk_diarium"),
        reverse("workflows:desk_meetings"),
        reverse("workflows:audit"),
        reverse("register_health"),
        reverse("workflows:case", args=[case.pk]),
    ):
        _check(client.get(url))

    client.force_login(django_user_model.objects.get(username="kommunsekreterare"))
    today_ks = Meeting.objects.get(body__short_name="KS", date=timezone.localdate())
    page = _check(client.get(reverse("workflows:desk_meeting", args=[today_ks.pk])))
    assert len(page.tables) == 1
