"""A one-word search of the register as it opens (valid today, no other filter) reads its
hits from the ranked index (``search.RankedTerm`` over ``SearchRank``). It must give exactly
the hits, scores, order and total of the grouped ranking (``search.RankedHits``) over the
same versions, for employees and for the public, on every page, with and without the
unit a manager lands on and types, whether the word covers one index term or, as a
prefix, several: grouped when searched, or read from a kept prefix group
(``SearchPrefixRank``)."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import F
from django.test import RequestFactory
from django.utils import timezone

from documents.filters import RegisterFilter
from documents.models import SearchPrefix, SearchPrefixRank, SearchRank
from documents.search.past import RankedPast
from documents.search.prefixes import choose_prefixes
from documents.search.ranked_term import RankedTerm
from documents.search.ranking import RankedHits
from documents.selectors import register_versions
from documents.services import publish_version
from tests.factories import (
    BodyFactory,
    DocumentTypeFactory,
    ProcessFactory,
    PublishedVersionFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# Today, read per test (a module-level date goes stale when a run crosses midnight).
TODAY: datetime.date


@pytest.fixture(autouse=True)
def _today():
    global TODAY  # noqa: PLW0603
    TODAY = timezone.localdate()


QUERIES = [
    "brandskydd",  # an exact word typed whole: a prefix covering one term
    "brandsk",  # a prefix covering one term
    "samverkansgruppen",
    "cykel",  # ties, some of them under equal titles
    "larm",  # prefix of "larm" and "larmrutin": several terms, grouped by version
    "brand",  # several terms in title, summary and text, over the cap together
    "it",  # too short to be a prefix: one exact term
    "finnsinte",  # nothing
]
# The queries that cover several index terms, once more with their kept prefix groups.
SEVERAL_TERMS = ["larm", "brand"]
CASES = [(q, False) for q in QUERIES] + [(q, True) for q in SEVERAL_TERMS]


def _case_id(value) -> str:
    if isinstance(value, bool):
        return "kept group" if value else "grouped"
    return str(value)


@pytest.fixture
def world():
    texts = [
        ("Brandskydd i skolan", "Om brandskydd och larm.", "<p>Rutiner för larm.</p>", True),
        ("Rutin för larm", "", "<p>Brandskyddet, brandskydd, brandskyddets rutiner.</p>", True),
        ("Parkering", "Rutin för parkering och larm.", "<p>Brandsläckare. Cykel.</p>", True),
        ("Samverkansgrupp", "Samverkan i samverkansgruppen.", "<p>Samverkan.</p>", True),
        ("Cykel A", "", "<p>Cykel.</p>", True),
        ("Cykel A", "", "<p>Cykel.</p>", False),  # same title and score: by id
        ("Cykel B", "", "<p>Cykel.</p>", True),
        ("Larmrutin", "Brand.", "<p>" + "Larm och brand. " * 30 + "</p>", True),
        ("Öresund", "", "<p>Cykel.</p>", True),
        ("Ekorre", "", "<p>Cykel, brandskydd.</p>", False),  # internal
        ("IT-stöd", "IT i skolan.", "<p>Frågor om IT, it-stöd och IT-säkerhet.</p>", True),
        ("Utgången cykel", "", "<p>Cykel och brandskydd.</p>", True),
        ("Framtida cykel", "", "<p>Cykel och brandskydd.</p>", True),
        ("Cykel till och med i dag", "", "<p>Cykel.</p>", True),
        # Several terms of the prefix "brand", each under the cap, over it together.
        (
            "Brandlarm och brandskydd",
            "Brand.",
            "<p>" + "Brand, brandskydd, brandlarm. " * 4 + "</p>",
            True,
        ),
    ]
    # Scopes: the municipality, a sector in it, a unit in the sector, another sector.
    municipality = UnitFactory(name="Kommunen")
    sector = UnitFactory(name="Sektorn", parent=municipality)
    unit = UnitFactory(name="Enheten", parent=sector)
    other = UnitFactory(name="Andra sektorn", parent=municipality)
    scopes = [municipality, sector, unit, other]
    # Types: rutin, riktlinje, policy, in turn.
    types = [DocumentTypeFactory(code=code) for code in ("rutin", "riktlinje", "policy")]
    # A process for every other document; owners are each document's own position.
    process = ProcessFactory()
    made = {
        "units": {"municipality": municipality, "sector": sector, "unit": unit, "other": other},
        "types": {t.code: t for t in types},
        "process": process,
    }
    # Valid versions outside today (published on their valid-from date) and one in force
    # for its last day.
    dates = {
        "Utgången cykel": {"valid_until": TODAY - datetime.timedelta(days=1)},
        "Framtida cykel": {"valid_from": TODAY + datetime.timedelta(days=1)},
        "Cykel till och med i dag": {"valid_until": TODAY},
    }
    for i, (title, summary, body, public) in enumerate(texts):
        version = PublishedVersionFactory(
            title=title,
            document__title=title,
            document__summary=summary,
            document__is_public=public,
            document__scope_unit=scopes[i % len(scopes)],
            document__document_type=types[i % len(types)],
            document__process=process if i % 2 else None,
            body=body,
            **{"valid_from": TODAY - datetime.timedelta(days=30), **dates.get(title, {})},
            publish=False,
        )
        publish_version(version, on=version.valid_from)
        made.setdefault(title, []).append(version)
    # Review dates: every third version due within a month (one of them today).
    for i, (title, *_rest) in enumerate(texts):
        if i % 3 == 0:
            version = made[title][-1]
            version.next_review = TODAY + datetime.timedelta(days=i)
            version.save(update_fields=["next_review"])
    # A superseded version: its words are not in today's register.
    PublishedVersionFactory(
        document=made["Parkering"][0].document,
        title="Parkering",
        body="<p>Ny text utan det gamla ordet.</p>",
        valid_from=TODAY - datetime.timedelta(days=10),
    )
    return made


def filterset(q: str, user, *, with_request: bool = True, **extra) -> RegisterFilter:
    request = RequestFactory().get("/register/", {"q": q, **extra})
    request.user = user
    return RegisterFilter(
        request.GET,
        queryset=register_versions(user),
        request=request if with_request else None,
    )


@pytest.fixture(params=["public", "employee"])
def user(request):
    return AnonymousUser() if request.param == "public" else UserFactory()


def _choose_all() -> list[str]:
    """Keep a prefix group for every prefix at which the terms branch."""
    choose_prefixes(min_versions=1)
    return list(SearchPrefix.objects.values_list("prefix", flat=True))


@pytest.mark.parametrize("q, kept_groups", CASES, ids=_case_id)
@pytest.mark.parametrize("unit", [None, "unit", "sector", "other"])
@pytest.mark.parametrize("types", [(), ("rutin",), ("rutin", "policy")], ids=",".join)
def test_the_ranked_index_gives_the_grouped_rankings_pages(
    world, user, q, kept_groups, unit, types
):
    if kept_groups:
        assert set(SEVERAL_TERMS) <= set(_choose_all())
    extra = {"unit": world["units"][unit].pk} if unit else {}
    if types:
        extra["type"] = [world["types"][code].pk for code in types]
    ranked = filterset(q, user, **extra).ranked_hits
    grouped = filterset(q, user, with_request=False, **extra).ranked_hits
    assert isinstance(ranked, RankedTerm)
    assert isinstance(grouped, RankedHits)

    expected = grouped.rows()
    assert ranked.count() == grouped.count() == len(expected)
    assert ranked.rows() == expected
    for limit in (1, 2, 3):
        for offset in range(0, len(expected) + 2):
            assert ranked.rows(offset, limit) == grouped.rows(offset, limit), (offset, limit)


@pytest.mark.parametrize(
    "q, kept_groups",
    [("cykel", False), ("brand", False), ("brand", True), ("finnsinte", False)],
    ids=_case_id,
)
@pytest.mark.parametrize("unit", [None, "sector"])
@pytest.mark.parametrize(
    "filters",
    ["process", "owner", "review_before", "process+review_before", "owner+process"],
)
def test_process_owner_and_review_date_give_the_grouped_rankings_pages(
    world, user, q, kept_groups, unit, filters
):
    if kept_groups:
        assert "brand" in _choose_all()
    cykel_owner = world["Cykel B"][0].document.owner_position_id
    values = {
        "process": world["process"].pk,
        "owner": cykel_owner,
        "review_before": (TODAY + datetime.timedelta(days=9)).isoformat(),
    }
    extra = {name: values[name] for name in filters.split("+")}
    if unit:
        extra["unit"] = world["units"][unit].pk
    ranked = filterset(q, user, **extra)
    grouped = filterset(q, user, with_request=False, **extra)
    assert ranked.is_valid(), ranked.errors
    assert isinstance(ranked.ranked_hits, RankedTerm)

    expected = grouped.ranked_hits.rows()
    assert ranked.ranked_hits.rows() == expected
    assert ranked.ranked_hits.count() == len(expected)
    for offset in range(0, len(expected) + 1):
        assert ranked.ranked_hits.rows(offset, 2) == grouped.ranked_hits.rows(offset, 2)


def test_the_public_finds_public_valid_versions_only(world):
    anonymous = [pk for pk, _s, _t in filterset("cykel", AnonymousUser()).ranked_hits.rows()]
    employee = [pk for pk, _s, _t in filterset("cykel", UserFactory()).ranked_hits.rows()]

    internal = world["Cykel A"][1].pk
    assert internal in employee and internal not in anonymous
    for title in ("Utgången cykel", "Framtida cykel"):
        assert world[title][0].pk not in employee
    assert world["Cykel till och med i dag"][0].pk in anonymous


@pytest.mark.parametrize("q", ["cykel", "larm", "finnsinte"])
def test_a_one_word_search_is_one_query(world, django_assert_num_queries, q):
    ranked = filterset(q, UserFactory()).ranked_hits
    with django_assert_num_queries(1):
        rows = ranked.rows(0, 3)
    with django_assert_num_queries(1):
        total = ranked.count()
    assert len(rows) == min(3, total)
    assert all(found_total == total for _pk, _score, found_total in rows)


@pytest.mark.parametrize(
    "extra",
    [
        {"body": "1"},
        {"status": "expired"},
        {"valid_on": "2999-01-01"},  # a later day: not a view of its own
        {"valid_on": "2020-01-01", "sort": "title"},
        {"sort": "title"},
    ],
    ids=lambda extra: "+".join(extra),
)
def test_any_other_filter_uses_the_grouped_ranking(world, extra):
    """Filters the ranked index does not hold (it holds unit, types, process, owner and the
    review date)."""
    if "body" in extra:
        extra = {"body": str(BodyFactory().pk)}
    request = RequestFactory().get("/register/", {"q": "cykel", **extra})
    request.user = UserFactory()
    found = RegisterFilter(request.GET, queryset=register_versions(request.user), request=request)
    assert found.is_valid(), found.errors
    assert isinstance(found.ranked_hits, RankedHits)


@pytest.mark.parametrize("q", ["cykel", "brandskydd larm"])
def test_a_past_date_reads_the_rows_of_that_day(world, q):
    """A past date, alone or with the filters the rank rows hold, is a view of its own."""
    request = RequestFactory().get("/register/", {"q": q, "valid_on": "2020-01-01"})
    request.user = UserFactory()
    found = RegisterFilter(request.GET, queryset=register_versions(request.user), request=request)
    assert found.is_valid(), found.errors
    assert isinstance(found.ranked_hits, RankedPast)


def test_several_words_use_the_grouped_ranking(world):
    assert isinstance(filterset("brandskydd larm", UserFactory()).ranked_hits, RankedHits)


def test_a_manager_searching_their_units_register_reads_the_ranked_index(world, client):
    unit = world["units"]["unit"]
    filters = filterset("cykel", UserFactory(), unit=unit.pk)

    assert isinstance(filters.ranked_hits, RankedTerm)
    assert filters.ranked_hits.among == {"scope_unit": unit.ancestor_ids}
    found = {pk for pk, _s, _t in filters.ranked_hits.rows()}
    other = world["units"]["other"]
    assert (
        found
        and not {
            v.pk
            for versions in world.values()
            if isinstance(versions, list)
            for v in versions
            if v.document.scope_unit_id == other.pk
        }
        & found
    )


def test_the_register_page_shows_the_ranked_index_hits(world, client):
    page = client.get("/register/", {"q": "cykel"})

    assert page.status_code == 200
    found = [v.pk for v in page.context["page"].object_list]
    expected = [pk for pk, _s, _t in filterset("cykel", AnonymousUser()).ranked_hits.rows()]
    assert found == expected[: len(found)]
    assert SearchRank.objects.filter(term="cykel").exists()


@pytest.mark.parametrize(
    "q, kept",
    [("brand", True), ("larm", False), ("brandsk", False), ("cykel", False), ("it", False)],
)
def test_a_prefix_with_a_kept_group_reads_the_group(world, q, kept):
    """A prefix that covers the same terms as a kept group reads the group's rows; any
    other search does not (marked here by a score no ranking gives). "larm" also finds
    the compound "brandlarm", outside its range, so its hits are grouped (issue 21)."""
    _choose_all()
    user = UserFactory()
    before = filterset(q, user).ranked_hits.rows()
    SearchPrefixRank.objects.update(score=F("score") + 10**8)

    after = filterset(q, user).ranked_hits.rows()

    assert before
    if kept:
        assert after == [(pk, score + 10**8, total) for pk, score, total in before]
    else:
        assert after == before


def test_the_kept_groups_are_the_branching_prefixes_with_enough_versions(world):
    assert choose_prefixes(min_versions=1) == len(_choose_all())
    chosen = set(SearchPrefix.objects.values_list("prefix", flat=True))
    assert {"brand", "larm"} <= chosen
    assert all(len(prefix) >= 3 for prefix in chosen)
    assert "brandskydd" not in chosen  # no other term starts with it
    for prefix in chosen:
        terms = set(
            SearchRank.objects.filter(term__startswith=prefix).values_list("term", flat=True)
        )
        assert len(terms) >= 2, prefix

    brand_versions = (
        SearchRank.objects.filter(term__startswith="brand").values("version").distinct().count()
    )
    assert choose_prefixes(min_versions=brand_versions) >= 1
    assert "brand" in set(SearchPrefix.objects.values_list("prefix", flat=True))
    assert choose_prefixes(min_versions=brand_versions + 100) == 0
    assert not SearchPrefixRank.objects.exists()
