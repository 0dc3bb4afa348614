"""The demo municipality's organisation is the organisation import's own files
(fixtures/demo/organisation/): load_demo imports them through the import (dry run, then
all of it, audited as an import), exporting the loaded demo gives the files back byte for
byte (they cannot drift from the format), a second load changes nothing, a demo loaded
before the files existed is taken over without a second copy of its positions, and a
broken file stops the load before anything is written."""

from __future__ import annotations

import datetime
import io
import shutil
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from audit.models import AuditEntry
from documents.models import DocumentType
from fixtures import demo_organisation
from fixtures.demo_municipality import DEMO_PASSWORD, SUBSTITUTIONS, all_logins
from fixtures.demo_organisation import (
    FILENAME,
    NOT_IN_FILES,
    organisation_book,
    organisation_files,
    organisation_zip,
)
from org.importing import sheets as s
from org.importing.export import export
from org.importing.services import import_file
from org.models import Position, PositionHolding, Substitution, Unit


def load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    load_demo()


def test_exporting_the_loaded_demo_gives_back_its_files(demo):
    with zipfile.ZipFile(io.BytesIO(export("zip"))) as archive:
        exported = {name[: -len(".csv")]: archive.read(name) for name in archive.namelist()}
    shipped = organisation_files()
    assert set(shipped) == set(exported) - set(NOT_IN_FILES)
    for name, data in shipped.items():
        # As text first, for a readable difference; then every byte (BOM, ';', line ends).
        assert exported[name].decode("utf-8") == data.decode("utf-8"), name
        assert exported[name] == data, name
    # What stays in code is there all the same: the substitutes, dated from today.
    assert Substitution.objects.count() == len(SUBSTITUTIONS)


def test_the_demo_organisation_is_imported_as_an_import(demo):
    imports = AuditEntry.objects.filter(action="organisation_imported")
    assert list(imports.values_list("target_label", flat=True)) == [FILENAME]
    chief = Position.objects.get(code="chef:exempelkommun")
    added = AuditEntry.objects.get(target_type="org.position", target_id=str(chief.pk))
    assert added.action == "organisation_added"
    assert added.comment  # the import's note: which run made it
    assert PositionHolding.objects.get(position=chief).user.username == "kommunchef"


def test_the_people_of_the_files_log_in_with_the_demo_password(demo):
    users = get_user_model().objects
    registrar = users.get(username="registrator")  # from the files
    assert (registrar.first_name, registrar.email) == (
        "Gunilla",
        "registrator@exempelkommun.example",
    )
    assert registrar.check_password(DEMO_PASSWORD)
    chair = users.get(username="ordf.kf")  # an elected member, on the sheet Ledamöter
    assert chair.body_memberships.get().body.short_name == "KF"
    assert chair.check_password(DEMO_PASSWORD)
    admin = users.get(username="admin")  # from code: the format has no administrators
    assert admin.is_superuser and admin.check_password(DEMO_PASSWORD)


def test_loading_the_demo_again_changes_nothing(demo):
    entries = AuditEntry.objects.count()
    out = load_demo()
    assert "inget har ändrats" in out
    # Not even an empty import in the audit trail: the dry run found nothing to do.
    assert AuditEntry.objects.count() == entries
    assert import_file(FILENAME, organisation_zip(), dry_run=True).changes == []


def test_a_changed_demo_organisation_is_left_as_it_is(demo):
    """load_demo only adds, as it always did: an edit in the admin survives the next
    `make run`; the command says how much differs from the files."""
    Unit.objects.filter(code="stod-hr").update(name="Personalenheten")
    PositionHolding.objects.create(
        position=Position.objects.get(code="hl:hr"),
        user=get_user_model().objects.get(username="medarbetare"),
        start=datetime.date(2025, 1, 1),
    )
    out = load_demo()
    assert "skiljer sig på 2 punkter" in out
    assert Unit.objects.get(code="stod-hr").name == "Personalenheten"
    assert (
        PositionHolding.objects.filter(user__username="medarbetare", end__isnull=True).count() == 2
    )


def test_a_demo_loaded_before_the_files_keeps_its_positions(demo):
    """The earlier load_demo made the same positions with generated codes."""
    positions = Position.objects.count()
    for position in Position.objects.all():
        Position.objects.filter(pk=position.pk).update(code=f"B{position.pk}")
    out = load_demo()
    assert "Uppdaterade 48 befattningar (kod ur organisationsfilerna)" in out
    assert Position.objects.count() == positions
    assert Position.objects.get(code="chef:vo-ht-norr").unit.code == "vo-ht-norr"
    assert import_file(FILENAME, organisation_zip(), dry_run=True).changes == []


def test_every_demo_login_is_in_the_files_or_given_in_code():
    in_files = {row["username"] for row in organisation_book().rows(s.PEOPLE)}
    logins = all_logins()
    assert {login.username for login in logins if login.name is None} == in_files
    assert not {login.username for login in logins if login.name is not None} & in_files


def test_a_broken_file_stops_the_load_before_anything_is_written(db, tmp_path, monkeypatch):
    broken = tmp_path / "organisation"
    shutil.copytree(demo_organisation.ORGANISATION_DIR, broken)
    units = broken / "Enheter.csv"
    units.write_bytes(units.read_bytes() + b"ny;Ny enhet;Enhet;finns-inte;;ja\n")
    monkeypatch.setattr(demo_organisation, "ORGANISATION_DIR", broken)
    with pytest.raises(CommandError) as refused:
        load_demo()
    message = str(refused.value)
    assert "Enheter" in message and "Överordnad enhet" in message and "finns-inte" in message
    assert not Unit.objects.exists()
    assert not DocumentType.objects.exists()  # the reference data went with it
