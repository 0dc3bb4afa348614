"""The admin, the audit trail, the registrar's record form, the text editor, the flow
chart and the adoption explanations speak Swedish: no English model names, one Swedish
name per thing, no internal codes, people named rather than numbered."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEntry
from documents.rules import allowed_deciders
from tests.factories import UserFactory
from tests.lifecycle import open_tasks


def _swedish(user) -> Client:
    client = Client()
    client.cookies["django_language"] = "sv"
    client.force_login(user)
    return client


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_admin_names_every_model_in_swedish_and_each_once(town):
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    html = _swedish(admin).get(reverse("admin:index")).content.decode()
    for english in ["Access attempts", "Access failures", "Access logs", "Tokens", "Process list"]:
        assert english not in html
    for swedish in [
        "Inloggningsförsök",
        "Misslyckade inloggningar",
        "Inloggningsloggar",
        "API-nycklar",
        "Diarieserier",
        "Ärendeflöden (arbetsflödesmotorn)",
    ]:
        assert swedish in html, swedish
    assert len(re.findall(r">Processer<", html)) == 1

    # The rule set is edited per document type: one word, as the command says.
    page = _swedish(admin).get(
        reverse("admin:documents_documenttype_change", args=[town.types["policy"].pk])
    )
    assert "Fastställanderegler" in page.content.decode()
    assert "astställelse" not in page.content.decode()


def test_the_audit_trail_filters_by_befattning_and_names_people(town):
    person = town.users["hrstrateg"]
    AuditEntry.objects.create(
        action="user_flags_changed",
        target_type="auth.user",
        target_id=str(person.pk),
        target_label=person.username,
        comment="is_active: True → False",
    )
    response = _swedish(town.users["registrator"]).get(reverse("workflows:audit"))
    html = response.content.decode()
    assert re.search(r'<label for="id_position">Befattning</label>', html)
    assert "Ståndpunkt" not in html
    row = _text(html[html.index("<tbody>") :])
    assert person.get_full_name() in row
    assert f"#{person.pk}" not in row
    assert "auth.user" not in row

    form = response.context["filter"].form
    names = [name for code, name in form.fields["target_type"].choices if code]
    assert len(names) == len(set(names))
    assert "Användare" in names
    assert not any("objektbehörighet för grupp" in n.lower() for n in names)


def test_the_union_stance_column_is_still_standpunkt(town):
    with translation.override("sv"):
        assert translation.pgettext("a union's stance", "Position") == "Ståndpunkt"
        assert translation.pgettext("held in the organisation", "Position") == "Befattning"


def test_the_record_form_button_says_what_it_does_in_swedish(town):
    hr = town.desk("hrstrateg")
    case = hr.start_document(
        document_type=town.types["policy"],
        title="Policy om språk",
        scope_unit=town.units["top"],
        owner_position=town.positions["hrstrateg"],
        summary="",
    )
    html = (
        _swedish(town.users["registrator"])
        .get(reverse("workflows:desk_record", args=[case.pk]))
        .content.decode()
    )
    assert ">Registrera handlingen</button>" in html
    assert ">Register</button>" not in html


def test_the_editor_toolbar_is_swedish_and_every_button_is_in_the_tab_order(town):
    hr = town.desk("hrstrateg")
    case = hr.start_document(
        document_type=town.types["policy"],
        title="Policy om verktyg",
        scope_unit=town.units["top"],
        owner_position=town.positions["hrstrateg"],
        summary="",
    )
    [task] = open_tasks(case, "draft")
    html = _swedish(town.users["hrstrateg"]).get(reverse("workflows:task", args=[task.pk]))
    html = html.content.decode()
    toolbar = html[html.index("<trix-toolbar") : html.index("</trix-toolbar>")]
    for label in ["Fetstil", "Kursiv", "Genomstruken", "Länk", "Rubrik", "Citat", "Punktlista",
                  "Numrerad lista", "Minska indrag", "Öka indrag", "Ångra", "Gör om"]:  # fmt: skip
        assert f">{label}</button>" in toolbar, label
    for english in ["Bold", "Italic", "Bullets", "Numbers", "Attach Files", "Undo", "Redo"]:
        assert english not in toolbar
    assert 'tabindex="-1"' not in toolbar
    assert 'role="toolbar"' in toolbar
    assert re.search(r'<trix-editor [^>]*toolbar="id_body_toolbar"', html)
    assert "js/editor.js" in html


def test_the_flow_chart_branches_read_ja_and_nej_in_sentence_case(town):
    hr = town.desk("hrstrateg")
    case = hr.start_document(
        document_type=town.types["policy"],
        title="Policy om flöden",
        scope_unit=town.units["top"],
        owner_position=town.positions["hrstrateg"],
        summary="",
    )
    svg = _swedish(town.users["hrstrateg"]).get(reverse("workflows:chart", args=[case.pk]))
    text = svg.content.decode()
    assert svg["Content-Type"] == "image/svg+xml"
    assert ">ja<" in text and ">nej<" in text
    assert ">yes<" not in text and ">no<" not in text
    assert "Väntar på att" in text
    assert "Väntar På" not in text
    assert "MBL-förhandling" in text and "Mbl-Förhandling" not in text
    sizes = {int(size) for size in re.findall(r'font-size="(\d+)px"', text)}
    assert sizes and min(sizes) >= 14
    assert "Krävs samverkan?" in text  # the gateway's question, not "Needs Samverkan"
    assert "Needs Samverkan" not in text


@pytest.mark.parametrize(
    "type_code, unit_key, expected, never",
    [
        ("vision", "top", "Visioner får fastställas av Kommunfullmäktige.", "fastställs av"),
        ("policy", "top", "Policyer får fastställas av chefen för hela organisationen, ", "(Kommunchef)"),
        ("handlingsplan", "unit", "Handlingsplaner för Förskolan Solrosen får fastställas av dess chef, ", "enhetens chef"),
    ],
)  # fmt: skip
def test_explanations_say_who_may_adopt_without_repeating_titles(
    town, type_code, unit_key, expected, never
):
    unit = town.units[unit_key]
    with translation.override("sv"):
        reasons = [d.reason for d in allowed_deciders(town.types[type_code], unit).allowed]
    assert any(expected in reason for reason in reasons), reasons
    assert not any(never in reason for reason in reasons), reasons
