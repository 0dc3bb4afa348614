"""The rule set exports as one readable, versioned file another municipality imports: the
default rule set and Götene's ship as such files; a round trip gives the same file; an
import shows what it changes first, applies all of it or nothing, and is audited (issue 19,
"Export and share")."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEntry
from documents.models import AdoptionRule, DeciderKind, DocumentType, MandatePeriod
from documents.rule_file.format import DECIDER_WORDS, HEADER, dump, parse
from documents.rule_file.refusals import RuleSetImportNotAllowed
from documents.rule_file.services import export_text, import_file, preview
from documents.rules import allowed_deciders, check_decider
from fixtures.reference_data import DEFAULT_RULE_SET, RULE_SETS
from org.models import UnitLevel
from tests.factories import ProcessFactory, UserFactory, build_municipality

GOTENE = RULE_SETS / "gotene.toml"


def _empty_installation() -> None:
    AdoptionRule.objects.all().delete()
    DocumentType.objects.all().delete()
    MandatePeriod.objects.all().delete()
    UnitLevel.objects.all().delete()


def _admin():
    return UserFactory(is_superuser=True, is_staff=True)


def test_every_decider_kind_has_a_word_in_the_file():
    assert set(DECIDER_WORDS.values()) == set(DeciderKind.values)


@pytest.mark.django_db
def test_the_default_rule_set_round_trips_to_the_same_file():
    _empty_installation()
    shipped = DEFAULT_RULE_SET.read_text(encoding="utf-8")

    import_file(None, "standard.toml", shipped)
    exported = export_text(None)
    _empty_installation()
    import_file(None, "export.toml", exported)

    assert exported == shipped
    assert export_text(None) == exported


@pytest.mark.django_db
def test_gotenes_file_in_an_empty_installation_gives_its_rule_set_back():
    _empty_installation()
    text = GOTENE.read_text(encoding="utf-8")

    import_file(None, "gotene.toml", text)

    assert export_text(None) == dump(parse(text), HEADER)
    assert "anvisning" not in set(DocumentType.objects.values_list("code", flat=True))
    assert UnitLevel.objects.get(depth=2).name == "Verksamhet"


@pytest.mark.django_db
def test_gotenes_adoption_matrix_answers_as_the_file_says():
    _empty_installation()
    town = build_municipality(with_rules=False)
    import_file(None, "gotene.toml", GOTENE.read_bytes())
    types = {t.code: t for t in DocumentType.objects.all()}
    kf, ks, bun = town.bodies["KF"], town.bodies["KS"], town.bodies["namnd"]
    sector = town.units["sector"]

    # A policy is KF's alone (the default lets KS, a nämnd and the municipal chief adopt it).
    assert check_decider(types["policy"], sector, body=kf).allowed
    assert not check_decider(types["policy"], sector, body=ks).allowed
    assert not check_decider(types["policy"], sector, body=bun).allowed
    assert not check_decider(types["policy"], sector, position=town.positions["kommunchef"]).allowed
    # A riktlinje: KS, the nämnd for its own area, and KF as a higher body; no chief.
    riktlinje = {d.key for d in allowed_deciders(types["riktlinje"], sector).allowed}
    assert riktlinje == {f"body:{kf.pk}", f"body:{ks.pk}", f"body:{bun.pk}"}
    assert not check_decider(types["riktlinje"], town.units["company"], body=bun).allowed
    # Rutiner: the process owner only within the process's own part of the organisation.
    owner = town.positions["processagare"]
    process = ProcessFactory(name="Antagning", unit=sector, owner_position=owner)
    assert check_decider(types["rutin"], town.units["unit"], process, position=owner).allowed
    outside = check_decider(types["rutin"], town.units["company"], process, position=owner)
    assert not outside.allowed
    assert types["rutin"].reading_required
    # Götene's own type, with its parents.
    assert types["strategi"].adoption_rules.get().decider == DeciderKind.COUNCIL
    assert set(types["program"].allowed_parent_types.values_list("code", flat=True)) == {
        "vision",
        "strategi",
    }


@pytest.mark.django_db
def test_the_preview_says_what_would_change_in_swedish_and_changes_nothing():
    _empty_installation()
    import_file(None, "standard.toml", DEFAULT_RULE_SET.read_bytes())
    before = export_text(None)
    admin = _admin()
    entries = AuditEntry.objects.count()

    with translation.override("sv"):
        outcome = preview(admin, "gotene.toml", GOTENE.read_bytes())

    assert export_text(None) == before
    assert "Dokumenttypen ”Strategi” läggs till." in outcome.added
    assert any("Anvisning" in text and "inaktiv" in text for text in outcome.removed)
    assert any(text.startswith("Upphör: Policyer") for text in outcome.removed)
    assert any("Nivå 2 ”Verksamhet”" in text for text in outcome.changed)
    assert AuditEntry.objects.count() == entries


@pytest.mark.django_db
def test_an_import_is_one_audited_change():
    _empty_installation()
    admin = _admin()

    outcome = import_file(admin, "gotene.toml", GOTENE.read_bytes())

    entry = AuditEntry.objects.get(action="rule_set_imported")
    assert entry.actor == admin
    assert entry.target_label == "gotene.toml"
    added = AuditEntry.objects.filter(action__in=["rule_set_added", "organisation_added"])
    # Every type, rule and level added (the mandate periods are not tracked rows).
    assert added.count() == len(outcome.added) - len(parse(GOTENE.read_bytes()).periods)
    assert all("gotene.toml" in e.comment for e in added)


VALID = DEFAULT_RULE_SET.read_text(encoding="utf-8")
BAD_FILES = [
    ("format = 1\n[[dokumenttyp]\n", "rad 2, kolumn 14"),
    (VALID.replace("format = 1", "format = 7"), "'format'"),
    (VALID.replace('beslutsfattare = "kommunchef"', 'beslutsfattare = "rektor"'), '"rektor"'),
    (
        VALID.replace(
            '{ beslutsfattare = "kommunfullmäktige", "högre_organ_får" = false, '
            '"endast_eget_område" = false }',
            '{ beslutsfattare = "kommunfullmäktige", "högre_organ_får" = false, '
            '"endast_eget_område" = true }',
            1,
        ),
        "dokumenttyp nr 1 (vision), beslutsfattare nr 1",
    ),
    (
        VALID.replace('"överordnade_typer" = ["policy"', '"överordnade_typer" = ["polisy"', 1),
        "polisy",
    ),
    (VALID.replace('kod = "plan"', 'kod = "program"'), "program"),
    (VALID.replace('"översyn_månader" = 12', '"översyn_månader" = "tolv"', 1), "heltal"),
    (VALID.replace("djup = 3", "djup = 2"), "djup"),
    (VALID.replace('namn = "Rutin"', 'namn = "Rutin"\n"färg" = "blå"'), "'färg'"),
    (VALID.replace("slut = 2022-10-14", "slut = 2017-01-01"), "mandatperiod nr 1"),
    (b"\xff\xfe not text", "UTF-8"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("content", "where"), BAD_FILES)
def test_a_bad_file_is_refused_with_where_and_nothing_changes(content, where):
    _empty_installation()
    import_file(None, "standard.toml", VALID)
    before = export_text(None)
    data = content if isinstance(content, bytes) else content.encode("utf-8")

    with translation.override("sv"), pytest.raises(Exception) as refused:
        import_file(_admin(), "bad.toml", data)

    assert refused.value.code == "rule_file_invalid"
    assert "Regelverksfilen har fel" in refused.value.message
    assert any(where in problem for problem in refused.value.problems), refused.value.problems
    assert export_text(None) == before


@pytest.mark.django_db
def test_a_file_the_database_refuses_is_not_half_applied():
    _empty_installation()
    DocumentType.objects.create(code="policydokument", name="Policy", name_plural="Policyer")

    with translation.override("sv"), pytest.raises(Exception) as refused:
        import_file(None, "standard.toml", VALID)

    assert "Databasen" in refused.value.problems[0]
    assert list(DocumentType.objects.values_list("code", flat=True)) == ["policydokument"]
    assert not UnitLevel.objects.exists()


@pytest.mark.django_db
def test_only_administrators_import_or_export(client):
    official = UserFactory()
    with pytest.raises(RuleSetImportNotAllowed):
        preview(official, "gotene.toml", GOTENE.read_bytes())
    client.force_login(official)
    for name in ("page", "download"):
        assert client.get(reverse(f"rule_file:{name}")).status_code == 403
    assert client.post(reverse("rule_file:confirm")).status_code == 403


@pytest.mark.django_db
def test_an_administrator_uploads_reads_the_preview_confirms_and_downloads(client):
    _empty_installation()
    import_file(None, "standard.toml", VALID)
    client.force_login(_admin())
    page = reverse("rule_file:page")

    upload = SimpleUploadedFile("gotene.toml", GOTENE.read_bytes())
    shown = client.post(page, {"file": upload}, HTTP_ACCEPT_LANGUAGE="sv")
    assert shown.status_code == 200
    assert "Strategi" in shown.content.decode()
    assert not DocumentType.objects.filter(code="strategi").exists()

    done = client.post(
        reverse("rule_file:confirm"), {"digest": shown.context["digest"]}, follow=True
    )
    assert done.status_code == 200
    assert DocumentType.objects.filter(code="strategi").exists()
    assert (
        AuditEntry.objects.filter(action="rule_set_imported", target_label="gotene.toml").count()
        == 1
    )

    again = client.post(reverse("rule_file:confirm"), {"digest": shown.context["digest"]})
    assert again.status_code == 302
    assert (
        AuditEntry.objects.filter(action="rule_set_imported", target_label="gotene.toml").count()
        == 1
    )

    download = client.get(reverse("rule_file:download"))
    assert download.status_code == 200
    assert download.content.decode("utf-8") == export_text(None)
    assert AuditEntry.objects.filter(action="rule_set_exported").exists()


@pytest.mark.django_db
def test_an_upload_with_errors_lists_them_on_the_page(client):
    client.force_login(_admin())
    upload = SimpleUploadedFile("fel.toml", b"format = 1\n[[dokumenttyp]]\nkod = 3\n")

    shown = client.post(reverse("rule_file:page"), {"file": upload}, HTTP_ACCEPT_LANGUAGE="sv")

    assert shown.status_code == 200
    assert shown.context["errors"]
    assert "dokumenttyp nr 1" in shown.content.decode()


@pytest.mark.django_db
def test_the_commands_export_and_import_with_a_dry_run(tmp_path: Path):
    _empty_installation()
    import_file(None, "standard.toml", VALID)
    target = tmp_path / "regelverk.toml"

    call_command("export_rules", str(target), stdout=io.StringIO())
    assert target.read_text(encoding="utf-8") == VALID

    out = io.StringIO()
    call_command("import_rules", str(GOTENE), "--dry-run", stdout=out)
    assert "Strategi" in out.getvalue()
    assert not DocumentType.objects.filter(code="strategi").exists()

    call_command("import_rules", str(GOTENE), stdout=io.StringIO())
    assert DocumentType.objects.filter(code="strategi").exists()


@pytest.mark.django_db
def test_the_document_types_in_the_admin_link_to_the_page(client):
    client.force_login(_admin())

    listing = client.get(reverse("admin:documents_documenttype_changelist"))

    assert listing.status_code == 200
    assert reverse("rule_file:page") in listing.content.decode()
