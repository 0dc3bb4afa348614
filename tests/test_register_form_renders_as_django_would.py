"""The register's filter form is rendered by one-string widgets (documents.widgets) instead
of Django's templates; the HTML must mean the same: names, values, ids, labels, the
checked and selected state and the error attributes, for every filter and every kind of
input (nothing, choices, invalid values, a hostile search text)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django import forms
from django.http import QueryDict
from django.utils import translation
from django_filters.widgets import BaseCSVWidget

from documents.filters import RegisterFilter
from documents.selectors import register_versions
from documents.widgets import (
    FastCheckboxSelectMultiple,
    FastDateInput,
    FastSelect,
    FastTextInput,
)

pytestmark = pytest.mark.django_db


class _Tokens(HTMLParser):
    """Tags with their attributes (in any order) and text, whitespace collapsed."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens: list[tuple] = []

    def handle_starttag(self, tag, attrs):
        self.tokens.append(("start", tag, tuple(sorted(attrs))))

    def handle_endtag(self, tag):
        self.tokens.append(("end", tag))

    def handle_data(self, data):
        text = " ".join(data.split())
        if text:
            self.tokens.append(("text", text))


def tokens(html: str) -> list[tuple]:
    parser = _Tokens()
    parser.feed(str(html))
    parser.close()
    return parser.tokens


def inputs(html: str) -> list[dict[str, str | None]]:
    return [dict(t[2]) for t in tokens(html) if t[0] == "start" and t[1] in ("input", "option")]


def django_widget(widget: forms.Widget) -> forms.Widget:
    """Django's own widget for what a fast widget renders, with the same attributes and
    choices."""
    attrs = dict(widget.attrs)
    if isinstance(widget, FastCheckboxSelectMultiple):
        return forms.CheckboxSelectMultiple(attrs, choices=widget.choices)
    if isinstance(widget, BaseCSVWidget):  # the sort: django-filter's CSV wrapper
        return type("CSVSelect", (BaseCSVWidget, forms.Select), {})(attrs, choices=widget.choices)
    if isinstance(widget, FastSelect):
        return forms.Select(attrs, choices=widget.choices)
    if isinstance(widget, FastDateInput):
        return type("DateInput", (forms.DateInput,), {"input_type": "date"})(attrs)
    assert isinstance(widget, FastTextInput)
    return forms.TextInput(attrs)


@pytest.fixture
def filter_for(org_tree):
    def build(data: str) -> RegisterFilter:
        filterset = RegisterFilter(QueryDict(data), queryset=register_versions(None))
        filterset.is_valid()
        return filterset

    return build


def query(org_tree) -> dict[str, str]:
    types = org_tree.types
    unit = org_tree.units["unit"].pk
    return {
        "nothing": "",
        "chosen": (
            f"type={types['rutin'].pk}&type={types['policy'].pk}&unit={unit}&status=expired"
            "&sort=-title&valid_on=2025-01-02&review_before=2026-12-31&q=brand"
        ),
        "invalid": "type=999999&type=abc&unit=x&status=bogus&sort=bogus&valid_on=notadate",
        "hostile": 'q="><script>alert(1)</script>&sort=title,-valid_from&status=<b>',
    }


@pytest.mark.parametrize("case", ["nothing", "chosen", "invalid", "hostile"])
@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_filter_renders_what_djangos_widget_renders(org_tree, filter_for, case, language):
    with translation.override(language):
        form = filter_for(query(org_tree)[case]).form
        for bound in form:
            fast = str(bound)
            django = bound.as_widget(widget=django_widget(bound.field.widget))
            assert tokens(fast) == tokens(django), bound.name


def test_chosen_types_are_checked_and_labelled(org_tree, filter_for):
    types = org_tree.types
    form = filter_for(query(org_tree)["chosen"]).form

    html = str(form["type"])

    boxes = [i for i in inputs(html) if i.get("type") == "checkbox"]
    assert {b["name"] for b in boxes} == {"type"}
    assert {b["value"] for b in boxes if "checked" in b} == {
        str(types["rutin"].pk),
        str(types["policy"].pk),
    }
    assert [b["id"] for b in boxes] == [f"id_type_{n}" for n in range(len(boxes))]
    assert (
        f'<label for="id_type_0"><input type="checkbox" name="type" value="{boxes[0]["value"]}"'
        in html
    )
    assert "aria-invalid" not in html
    assert html.startswith('<div id="id_type">')


def test_selects_mark_the_chosen_option_only(org_tree, filter_for):
    form = filter_for(query(org_tree)["chosen"]).form

    for name, chosen in [("status", "expired"), ("sort", "-title")]:
        options = inputs(str(form[name]))
        assert [o["value"] for o in options if "selected" in o] == [chosen]
        assert options[0]["value"] == ""  # the empty choice first: "Valid", "---------"
    assert [o["value"] for o in inputs(str(form["sort"]))][1:3] == ["title", "-title"]


def test_invalid_values_are_marked_invalid_and_nothing_is_chosen(org_tree, filter_for):
    form = filter_for(query(org_tree)["invalid"]).form

    assert set(form.errors) >= {"type", "status", "sort", "valid_on", "unit"}
    for name in ("type", "status", "sort", "valid_on"):
        html = str(form[name])
        assert 'aria-invalid="true"' in html
        assert "checked" not in html and "selected" not in html
    assert 'value="notadate"' in str(form["valid_on"])


def test_search_text_is_escaped_and_several_sort_keys_stay_in_a_text_input(org_tree, filter_for):
    form = filter_for(query(org_tree)["hostile"]).form

    assert "<script>" not in str(form["q"])
    assert inputs(str(form["q"]))[0]["value"] == '"><script>alert(1)</script>'
    assert inputs(str(form["sort"])) == [
        {"type": "text", "name": "sort", "value": "title,-valid_from", "id": "id_sort"}
    ]


def test_the_form_class_is_built_once_but_every_form_has_its_own_fields(org_tree, filter_for):
    first = filter_for(f"unit={org_tree.units['unit'].pk}").form
    second = filter_for("").form

    assert type(first) is type(second)
    for name in first.fields:
        assert first.fields[name] is not second.fields[name]
        assert first.fields[name].widget is not second.fields[name].widget
    unit = str(org_tree.units["unit"].pk)
    for form, chosen in [(first, [unit]), (second, [""])]:
        assert [o["value"] for o in inputs(str(form["unit"])) if "selected" in o] == chosen
