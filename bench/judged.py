"""The judged query set: queries over the demo municipality (``manage.py load_demo``), each
with the documents that must be found and those that must not (and for some, the one
that must come first), run through the register's
own search (``documents.filters.RegisterFilter``: ranked hits, typo answers) as a given
user sees it.

Figures: success@3 (a query whose first relevant document, any of ``must``, is among the
first three hits) and MRR (the mean of 1 / rank of the first relevant document; 0 when
none is found); and the hard rules: every ``must`` found, no ``must_not`` found.

    .venv/bin/python -m bench.judged            # against the database in use (the demo)

The set is ``bench/judged_queries.json``; ``tests/test_search_answers_the_judged_queries.py``
runs it on both databases.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

JUDGED = Path(__file__).resolve().parent / "judged_queries.json"
# The person the queries are asked as: sees internal documents, no unit of her own.
DEFAULT_USER = "registrator"


@dataclass
class Judged:
    """One query's outcome."""

    q: str
    titles: list[str]
    missing: list[str] = field(default_factory=list)
    unwanted: list[str] = field(default_factory=list)
    wrong_first: bool = False  # the query names the document that must come first
    rank: int | None = None  # of the first relevant document, from 1
    corrected: str | None = None


def load(path: Path = JUDGED) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["queries"]


def hits(q: str, user, *, correct: bool = True) -> tuple[list[str], str | None]:
    """The titles the register lists for ``q`` (all pages), best first, and the corrected
    query when nothing was found for ``q`` itself (unless not to ``correct``)."""
    from django.test import RequestFactory

    from documents.filters import RegisterFilter
    from documents.models import DocumentVersion
    from documents.selectors import register_versions

    request = RequestFactory().get("/register/", {"q": q})
    request.user = user
    filterset = RegisterFilter(request.GET, queryset=register_versions(user), request=request)
    corrected = None
    rows = filterset.ranked_hits.rows() if filterset.ranked_hits is not None else []
    if not rows and correct:
        found = filterset.corrected()
        if found is not None and found[0].ranked_hits is not None:
            rows = found[0].ranked_hits.rows()
            corrected = found[1].query if rows else None
    ids = [pk for pk, _score, _total in rows]
    titles = dict(DocumentVersion.objects.filter(pk__in=ids).values_list("pk", "title"))
    return [titles[pk] for pk in ids], corrected


def judge(entry: dict, user) -> Judged:
    titles, corrected = hits(entry["q"], user)
    must, must_not = entry.get("must", []), entry.get("must_not", [])
    outcome = Judged(entry["q"], titles, corrected=corrected)
    outcome.missing = [t for t in must if t not in titles]
    outcome.unwanted = [t for t in must_not if t in titles]
    outcome.wrong_first = "first" in entry and titles[:1] != [entry["first"]]
    ranks = [titles.index(t) + 1 for t in must if t in titles]
    outcome.rank = min(ranks) if ranks else None
    return outcome


def figures(outcomes: list[Judged]) -> dict[str, float]:
    judged = len(outcomes)
    return {
        "queries": judged,
        "success_at_3": sum(1 for o in outcomes if o.rank is not None and o.rank <= 3) / judged,
        "mrr": sum(1 / o.rank for o in outcomes if o.rank) / judged,
        "all_must_found": sum(1 for o in outcomes if not o.missing) / judged,
        "no_must_not_found": sum(1 for o in outcomes if not o.unwanted) / judged,
        "first_as_judged": sum(1 for o in outcomes if not o.wrong_first) / judged,
    }


def run(username: str = DEFAULT_USER) -> tuple[list[Judged], dict[str, float]]:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username=username)
    outcomes = [judge(entry, user) for entry in load()]
    return outcomes, figures(outcomes)


def main() -> None:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    outcomes, result = run()
    for o in outcomes:
        if o.missing or o.unwanted or o.wrong_first or (o.rank or 99) > 3:
            print(f"{o.q!r}: rank {o.rank}, missing {o.missing}, unwanted {o.unwanted}")
    print(
        " | ".join(
            f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in result.items()
        )
    )


if __name__ == "__main__":
    main()
