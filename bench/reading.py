"""Scenario module: read acknowledgement (issue 18) on the generated municipality.

*Att läsa* of the employee with the most documents waiting, and the chief's overview on
three levels (a unit, a sector, the whole municipality), plus one document's list of
people for the unit chief. See ``SCENARIO_MODULES`` in bench/run.py; ``--scenarios reading``
runs only these.
"""

from __future__ import annotations


def _holder(position_id: int):
    from org.models import Position
    from org.selectors import holders

    return holders(Position.objects.get(pk=position_id)).order_by("pk").first()


def _busiest_reader():
    """An employee (no chief) of a unit on the deepest level whose list is the longest
    among a sample of such units; and the length of the list."""
    from org.models import PositionHolding, Unit
    from org.selectors import today
    from reading.selectors import waiting_for

    deepest = Unit.objects.order_by("-level__depth").values_list("level__depth", flat=True).first()
    best, best_n = None, -1
    units = Unit.objects.filter(level__depth=deepest).order_by("pk")[:40]
    for unit in units:
        holding = (
            PositionHolding.objects.active_on(today())
            .filter(position__unit=unit)
            .exclude(position__kind="chief")
            .select_related("user")
            .order_by("pk")
            .first()
        )
        if holding is None:
            continue
        n = len(waiting_for(holding.user))
        if n > best_n:
            best, best_n = holding.user, n
    return best, best_n


def _chief_on(depth: int):
    """The chief of the unit on ``depth`` with the most people, and the unit."""
    from django.db.models import Count, Q

    from org.models import Position, Unit

    units = Unit.objects.filter(level__depth=depth).annotate(
        people=Count("positions__holdings", filter=Q(positions__holdings__end__isnull=True))
    )
    for unit in units.order_by("-people", "pk")[:10]:
        chief = Position.objects.filter(unit=unit, kind="chief").first()
        user = _holder(chief.pk) if chief else None
        if user is not None:
            return user, unit
    return None, None


def scenarios(data) -> list:
    from bench.run import Scenario
    from reading import selectors

    out = []
    reader, n = _busiest_reader()
    if reader is not None:
        data.extra["reading: employee"] = f"{reader.get_username()}, {n} documents to read"
        out.append(
            Scenario("reading-list", "reading", f"Att läsa ({n} documents)", "/reading/", reader)
        )
    for key, depth, label in [
        ("reading-unit-chief", 3, "a unit"),
        ("reading-sector-chief", 1, "a sector"),
        ("reading-top-chief", 0, "the whole municipality"),
    ]:
        chief, unit = _chief_on(depth)
        if chief is None:
            continue
        documents = selectors.unit_versions(unit).count()
        data.extra[f"reading: chief of {label}"] = (
            f"{chief.get_username()}, {unit.name}, {documents} documents"
        )
        out.append(
            Scenario(
                key,
                "reading",
                f"chief's overview, {label} ({documents} documents, first page)",
                f"/reading/overview/{unit.pk}/",
                chief,
            )
        )
        if depth == 3:
            first = selectors.unit_versions(unit).values_list("pk", flat=True).first()
            if first:
                out.append(
                    Scenario(
                        "reading-people",
                        "reading",
                        "chief's list of who has read one document, a unit",
                        f"/reading/overview/{unit.pk}/{first}/",
                        chief,
                    )
                )
    return out
