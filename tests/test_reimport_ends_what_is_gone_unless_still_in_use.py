"""A re-import of the organisation file ends what is gone from it (issue 19): positions,
processes, samverkan groups and unit levels missing from their sheet become inactive, kept
for history, shown in the dry run as "Avslutas" and audited as the import's; they leave the
choices of new documents and the routing of new cases. What is still in use cannot be
ended: the dry run refuses, naming what uses it (a row of the file, an object of a sheet
the file lacks, documents in force or in preparation, open tasks and open cases)."""

from __future__ import annotations

import datetime

import pytest

from audit.models import AuditEntry
from documents import rules
from documents.models import DocumentStatus
from org.importing.export import tables
from org.importing.services import import_file
from org.models import Position as OrgPosition
from org.models import PositionHolding, Process, SamverkanGroup, Unit, UnitLevel
from tests.factories import DocumentFactory, DocumentTypeFactory
from tests.orgfile import example, xlsx
from workflows.forms import StartDocumentForm

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 12, 1)
LAST_DAY = datetime.date(2026, 11, 30)
LEVEL_4 = ["4", "Grupp", "gruppchef", "enhet"]


def _try(tables_, day=DAY, dry_run=False):
    return import_file("hr.xlsx", xlsx(tables_), ends_from=day, dry_run=dry_run)


def _import(tables_, day=DAY):
    report = _try(tables_, day)
    assert report.problems == []
    return report


def _without(tables_, sheet, *keys, column=0):
    tables_[sheet] = [r for r in tables_[sheet] if r[column] not in keys]
    return tables_


def _first():
    first = example()
    first["Nivåer"].append(LEVEL_4)
    _import(first)


def _gone():
    """The next HR export: the registrar's post and the meals process's owner are gone,
    with the process, Solrosen's samverkan group and the fifth level."""
    t = example()
    _without(t, "Befattningar", "REG", "PA-KOST")
    _without(t, "Innehavare", "REG", "PA-KOST")
    _without(t, "Processer", "Måltider i förskolan")
    _without(t, "Samverkansgrupper", "Samverkan Förskolan Solrosen")
    return t


def test_what_is_gone_is_ended_from_the_day_and_kept_for_history():
    _first()

    dry = _try(_gone(), dry_run=True)
    assert dry.problems == []
    assert OrgPosition.objects.get(code="REG").is_active  # a dry run writes nothing
    report = _import(_gone())

    texts = [c.text for c in report.changes]
    for text in (
        "Avslutas: befattning 'REG' (markeras som inaktiv)",
        "Avslutas: befattning 'PA-KOST' (markeras som inaktiv)",
        "Avslutas: process 'Måltider i förskolan' (markeras som inaktiv)",
        "Avslutas: samverkansgrupp 'Samverkan Förskolan Solrosen' (markeras som inaktiv)",
        "Avslutas: organisationsnivå 'Grupp' (markeras som inaktiv)",
    ):
        assert text in texts
    assert [c.text for c in dry.changes] == texts  # the dry run showed the same
    registrar = OrgPosition.objects.get(code="REG")
    assert not registrar.is_active  # ended, not deleted
    assert PositionHolding.objects.get(position=registrar).end == LAST_DAY
    assert not Process.objects.get(name="Måltider i förskolan").is_active
    assert not SamverkanGroup.objects.get(name="Samverkan Förskolan Solrosen").is_active
    assert not UnitLevel.objects.get(name="Grupp").is_active
    ended = AuditEntry.objects.get(
        action="organisation_changed", target_type="org.position", target_id=str(registrar.pk)
    )
    assert ended.changes["is_active"] == [True, False]
    assert ended.comment == "Organisationsimport från kommandoraden"

    # The export says so, and the same file again changes nothing.
    assert ["REG", "Registrator", "registrator", "KANSLI", "nej"] in tables()["Befattningar"]
    assert _import(tables()).changes == []
    # Back in the file: in use again.
    _import(example())
    assert OrgPosition.objects.get(code="REG").is_active


def test_ended_things_leave_the_choices_of_new_documents_and_cases():
    _first()
    _import(_gone())
    form = StartDocumentForm()
    assert not form.fields["owner_position"].queryset.filter(code="REG").exists()
    assert form.fields["owner_position"].queryset.filter(code="KC").exists()
    assert not form.fields["process"].queryset.exists()
    # A new case for Solrosen goes to the sector's group, no longer to the ended one.
    rutin = DocumentTypeFactory(samverkan_required=True)
    routing = rules.samverkan_for(rutin, Unit.objects.get(code="FSK-SOL"))
    assert routing.group.name == "Samverkan sektor utbildning"


def test_a_new_chief_and_a_new_group_for_a_unit_replace_the_ended_ones():
    _first()
    t = example()
    _without(t, "Befattningar", "SOL-C")
    t["Befattningar"].append(["SOL-C2", "Förskolechef Solrosen", "chef", "FSK-SOL", "ja"])
    for sheet in ("Innehavare", "Ersättare"):
        for row in t[sheet]:
            if row[0] == "SOL-C":
                row[0] = "SOL-C2"
    _without(t, "Samverkansgrupper", "Samverkan Förskolan Solrosen")
    t["Samverkansgrupper"].append(["Samverkan Solrosen", "enhet", "FSK-SOL", "SOL-C2", "ja"])

    _import(t)

    assert Unit.objects.get(code="FSK-SOL").chief_position.code == "SOL-C2"
    assert SamverkanGroup.objects.get(unit__code="FSK-SOL", is_active=True).name == (
        "Samverkan Solrosen"
    )


# --- Refusals ---------------------------------------------------------------------------


def _refused(tables_, *messages):
    before = {
        model: sorted(model.objects.filter(is_active=True).values_list("pk", flat=True))
        for model in (OrgPosition, Process, SamverkanGroup, UnitLevel, Unit)
    }
    report = _try(tables_)
    errors = [str(p) for p in report.problems]
    for message in messages:
        assert message in errors, errors
    for model, active in before.items():  # nothing was ended
        assert sorted(model.objects.filter(is_active=True).values_list("pk", flat=True)) == active
    return errors


def test_a_row_of_the_file_naming_what_it_ends_is_refused():
    _first()
    t = _without(example(), "Befattningar", "KS-SEK")
    t["Nivåer"] = [r for r in t["Nivåer"] if r[0] != "3"]
    _refused(
        t,
        "Blad Organ, rad 2, kolumn Sekreterarbefattning: befattning 'KS-SEK' avslutas: "
        "den saknas på bladet Befattningar eller är inte aktiv",
        "Blad Innehavare, rad 7, kolumn Befattning: befattning 'KS-SEK' avslutas: "
        "den saknas på bladet Befattningar eller är inte aktiv",
        "Blad Enheter, rad 2, kolumn Nivå: organisationsnivå 'Enhet' avslutas: "
        "den saknas på bladet Nivåer eller är inte aktiv",
    )


def test_a_holding_that_ended_before_the_day_may_name_an_ended_position():
    _first()
    t = _gone()
    t["Innehavare"].append(["REG", "gun.nord", "2017-09-01", "2026-11-30"])
    assert _try(t).problems == []


def test_what_a_sheet_the_file_lacks_still_uses_is_refused():
    _first()
    t = {"Befattningar": _without(example(), "Befattningar", "PA-KOST")["Befattningar"]}
    _refused(
        t,
        "Blad Befattningar: befattning 'PA-KOST' kan inte avslutas: används fortfarande av "
        "innehav 'Cecilia Lind: Processägare måltider' (bladet Innehavare finns inte i filen)",
        "Blad Befattningar: befattning 'PA-KOST' kan inte avslutas: används fortfarande av "
        "process 'Måltider i förskolan' (bladet Processer finns inte i filen)",
    )


def test_a_position_process_or_unit_that_documents_need_is_refused():
    _first()
    position, unit = OrgPosition.objects.get, Unit.objects.get
    process = Process.objects.get(name="Måltider i förskolan")
    kept = {"owner_position": position(code="KC"), "scope_unit": unit(code="KOMMUN")}
    registrars = DocumentFactory(
        title="Rutin för diarieföring",
        owner_position=position(code="REG"),
        scope_unit=unit(code="KOMMUN"),
        status=DocumentStatus.VALID,
    )
    meals = DocumentFactory(title="Menyrutin", process=process, **kept)
    DocumentFactory(title="Gammal rutin", process=process, status=DocumentStatus.REPEALED, **kept)
    DocumentFactory(
        title="Kansliets rutin",
        scope_unit=unit(code="KANSLI"),
        owner_position=position(code="KC"),
        import_key="K-1",
    )
    t = _gone()
    t["Enheter"] = [[*r[:5], "nej"] if r[0] == "KANSLI" else r for r in t["Enheter"]]
    errors = _refused(
        t,
        "Blad Befattningar: befattning 'REG' kan inte avslutas: 1 dokument som gäller eller "
        f"är under arbete: 'Rutin för diarieföring' (styrdok-{registrars.pk})",
        "Blad Processer: process 'Måltider i förskolan' kan inte avslutas: 1 dokument som "
        f"gäller eller är under arbete: 'Menyrutin' (styrdok-{meals.pk})",
        "Blad Enheter, rad 6, kolumn Aktiv: enhet 'KANSLI' kan inte avslutas: 1 dokument som "
        "gäller eller är under arbete: 'Kansliets rutin' (K-1)",
    )
    assert not any("Gammal rutin" in e for e in errors)  # history is no hindrance


# --- What open cases need -----------------------------------------------------------------


@pytest.fixture
def case_in_samverkan(town):
    from tests.lifecycle import run_until
    from tests.upload_support import handlingsplan_draft

    _desk, case = handlingsplan_draft(town)
    run_until(town, case, "samverkan_meeting")
    case.refresh_from_db()
    return case


def _exported_without(sheet, key):
    t = tables()
    return _without(t, sheet, key)


def test_a_position_with_open_tasks_or_a_case_to_decide_is_refused(case_in_samverkan):
    case = case_in_samverkan
    chair = case.samverkan_group.chair_position
    decider = case.decider_position
    number = case.diary_entry.diarienummer
    t = _exported_without("Befattningar", chair.code)
    _without(t, "Befattningar", decider.code)
    errors = _refused(t)
    assert any(
        f"befattning '{chair.code}' kan inte avslutas: 1 öppen uppgift, i {number}" in e
        for e in errors
    ), errors
    assert any(
        f"befattning '{decider.code}' kan inte avslutas:" in e and f"1 öppet ärende: {number}" in e
        for e in errors
    ), errors


def test_a_group_consulting_on_an_open_case_is_refused(case_in_samverkan):
    case = case_in_samverkan
    group = case.samverkan_group
    t = _exported_without("Samverkansgrupper", group.name)
    _without(t, "Fackliga representanter", group.name)
    _refused(
        t,
        f"Blad Samverkansgrupper: samverkansgrupp '{group.name}' kan inte avslutas: "
        f"1 öppet ärende: {case.diary_entry.diarienummer}",
    )


def test_a_body_with_an_open_case_to_decide_is_refused(town):
    from tests.upload_support import policy_at_registration

    case = policy_at_registration(town)
    body = case.decider_body
    t = tables()
    row = next(i for i, r in enumerate(t["Organ"]) if r[0] == body.short_name)
    t["Organ"][row][-1] = "nej"
    errors = _refused(t)
    assert (
        f"Blad Organ, rad {row + 1}, kolumn Aktiv: organ '{body.short_name}' kan inte "
        f"avslutas: 1 öppet ärende: {case.diary_entry.diarienummer}"
    ) in errors
