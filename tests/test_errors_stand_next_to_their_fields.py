"""A refusal about one input stands next to that input, which points to it
(``aria-describedby``); required inputs are marked; nothing typed is lost."""

from __future__ import annotations

import re

from django import forms
from django.template.loader import render_to_string

from tests.lifecycle import english, refresh, run_until, shows, snapshot, today
from workflows.refusals import ValidFromBeforeDecision, ValidFromMissing


def _ks_policy(town):
    case = town.desk("hrstrateg").start_document(
        document_type=town.types["policy"],
        title="Arbetsgivarpolicy",
        scope_unit=town.units["top"],
        owner_position=town.positions["hrstrateg"],
    )
    run_until(town, case, "decision")
    return refresh(case)


def _input(html: str, name: str) -> str:
    found = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert found, f"no input {name}"
    return found.group(0)


def test_adopting_without_valid_from_puts_the_error_next_to_the_date(town):
    case = _ks_policy(town)
    before = snapshot(case)
    response = town.desk("sekr_ks").attempt(
        case,
        "decision",
        outcome="adopted",
        decision_date=today(),
        paragraph="§ 7",
        motivation="Antas enligt förslaget.",
        valid_from="",
    )

    assert response.status_code == 400
    with english():
        message = ValidFromMissing().message
    form = response.context["form"]
    assert form.errors["valid_from"] == [message]
    assert list(form.non_field_errors()) == []
    html = response.content.decode()
    error_list = re.search(r'<ul class="errorlist" id="id_valid_from_error">(.*?)</ul>', html, re.S)
    assert error_list and message in error_list.group(1).replace("&#x27;", "'")
    date_input = _input(html, "valid_from")
    assert 'aria-invalid="true"' in date_input
    assert "id_valid_from_error" in date_input
    # What was typed is still there.
    assert 'value="§ 7"' in _input(html, "paragraph")
    assert shows(response, "Antas enligt förslaget.")
    assert snapshot(case) == before


def test_a_valid_from_before_the_decision_is_refused_at_the_date(town):
    case = _ks_policy(town)
    response = town.desk("sekr_ks").attempt(
        case,
        "decision",
        outcome="adopted",
        decision_date=today(),
        paragraph="§ 7",
        valid_from=today().replace(year=today().year - 1),
    )
    assert response.status_code == 400
    with english():
        message = ValidFromBeforeDecision().message
    assert response.context["form"].errors["valid_from"] == [message]


def test_required_inputs_are_marked_and_the_conditional_date_says_when(town):
    case = _ks_policy(town)
    task, page = town.desk("sekr_ks").open(case, "decision")
    html = page.content.decode()
    label = re.search(r'<label for="id_decision_date"[^>]*>(.*?)</label>', html, re.S).group(1)
    assert '<span class="required">*</span>' in label
    assert "Fields marked with * are required." in html
    # Valid from is needed only when adopting: its help says so and is read with it.
    help_text = re.search(r'<p class="help" id="id_valid_from_helptext">(.*?)</p>', html).group(1)
    assert help_text == "Required when the document is adopted."
    assert "id_valid_from_helptext" in _input(html, "valid_from")


def test_the_note_on_required_inputs_is_given_once_and_only_when_one_is(town):
    case = _ks_policy(town)
    html = town.desk("sekr_ks").open(case, "decision")[1].content.decode()
    assert html.count("Fields marked with * are required.") == 1

    class Optional(forms.Form):
        note = forms.CharField(required=False)

    with english():
        html = render_to_string("workflows/_form.html", {"form": Optional()})
    assert 'name="note"' in html
    assert "Fields marked with * are required." not in html
