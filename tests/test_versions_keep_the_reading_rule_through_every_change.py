"""Every version that is more than a draft carries the read acknowledgement's rule as
columns (``reading_required``: the decision's choice, else the type's;
``reading_baseline``: the latest version up to it adopted as a material change), so that
the chief's overview lists and counts from one index. The copies follow every change of
what they are derived from: a decision adopting a version, its choices changed, the
type's setting changed, the document moved to another type; the generator and the
migration derive them in bulk."""

from __future__ import annotations

import pytest
from django.db.models import Max, Q

from documents.models import Decision, Document, DocumentType, DocumentVersion, VersionStatus
from reading.selectors import required_versions
from tests.reading_helpers import new_version, rutin


def _derived(version: DocumentVersion) -> tuple[bool, int]:
    """The rule computed from scratch, in Python, for one version."""
    adoption = version.adoption
    chosen = adoption.requires_reading if adoption is not None else None
    required = chosen if chosen is not None else version.document_type.reading_required
    baseline = DocumentVersion.objects.filter(
        document=version.document_id, number__lte=version.number, adoption__material_change=True
    ).aggregate(n=Max("number"))["n"]
    return required, baseline or 0


def assert_copies_follow() -> None:
    versions = DocumentVersion.objects.exclude(status=VersionStatus.DRAFT).select_related(
        "adoption", "document_type"
    )
    assert versions.exists()
    for version in versions:
        assert (version.reading_required, version.reading_baseline) == _derived(version), version


def test_an_adopted_version_carries_its_types_rule(town):
    rutin(town, "Rutin för hygien")
    assert_copies_follow()
    assert required_versions().filter(title="Rutin för hygien").exists()


@pytest.mark.parametrize("requires", [True, False])
def test_the_decisions_choice_overrides_the_type(town, requires):
    document = rutin(town, "Rutin för hygien", type_requires=not requires, requires=requires)
    assert_copies_follow()
    document.current_version.refresh_from_db()
    assert document.current_version.reading_required is requires
    assert required_versions().filter(document=document).exists() is requires


def test_a_material_change_moves_the_baseline_of_it_and_later_versions(town):
    document = rutin(town, "Rutin för hygien")
    second = new_version(town, document, material=True)
    third = new_version(town, document, material=False)
    assert_copies_follow()
    third.refresh_from_db()
    assert third.reading_baseline == second.number == 2

    # The decision's mark taken back (a correction): the later versions follow.
    decision = second.adoption
    decision.material_change = False
    decision.save(update_fields=["material_change"])
    assert_copies_follow()
    third.refresh_from_db()
    assert third.reading_baseline == 0


def test_a_decisions_choice_changed_by_a_whole_save_reaches_its_versions(town):
    """A decision loaded and saved whole (as a form saves it): its changed choice is
    copied; saved again unchanged, its versions are not rewritten."""
    document = rutin(town, "Rutin för hygien", type_requires=False, requires=False)
    decision = Decision.objects.get(pk=document.current_version.adoption_id)
    decision.requires_reading = True
    decision.save()
    assert_copies_follow()
    assert required_versions().filter(document=document).exists()

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    again = Decision.objects.get(pk=decision.pk)
    with CaptureQueriesContext(connection) as unchanged:
        again.save()
    assert not [q for q in unchanged if "reading_baseline" in q["sql"]]


def test_a_type_saved_without_a_change_of_its_rule_leaves_its_versions(town):
    document = rutin(town, "Rutin för hygien")
    kind = DocumentType.objects.get(pk=document.document_type_id)
    kind.description = "Ny beskrivning"
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as saved:
        kind.save()
    assert not [q for q in saved if "reading_baseline" in q["sql"]]


def test_the_types_setting_changed_in_the_admin_reaches_its_versions(town):
    document = rutin(town, "Rutin för hygien", type_requires=False)
    assert not required_versions().filter(document=document).exists()
    kind = DocumentType.objects.get(pk=document.document_type_id)
    kind.reading_required = True
    kind.save()
    assert_copies_follow()
    assert required_versions().filter(document=document).exists()


def test_a_document_moved_to_another_type_takes_its_rule(town):
    document = rutin(town, "Rutin för hygien")
    other = DocumentType.objects.exclude(pk=document.document_type_id).first()
    other.reading_required = False
    other.save()
    document.document_type = other
    document.save(update_fields=["document_type"])
    assert_copies_follow()
    assert not required_versions().filter(document=document).exists()


def test_the_bulk_derivation_gives_what_the_saves_gave(town):
    document = rutin(town, "Rutin för hygien")
    new_version(town, document, material=True)
    before = list(
        DocumentVersion.objects.order_by("pk").values_list(
            "pk", "reading_required", "reading_baseline"
        )
    )
    DocumentVersion.objects.update(reading_required=False, reading_baseline=0)
    DocumentVersion.refresh_reading(DocumentVersion.objects.exclude(status=VersionStatus.DRAFT))
    after = list(
        DocumentVersion.objects.order_by("pk").values_list(
            "pk", "reading_required", "reading_baseline"
        )
    )
    assert [row for row in after if row[1] or row[2]]
    changed = [b for b, a in zip(before, after, strict=True) if b != a]
    drafts = set(
        DocumentVersion.objects.filter(status=VersionStatus.DRAFT).values_list("pk", flat=True)
    )
    assert all(row[0] in drafts for row in changed)
    assert Document.objects.filter(Q(pk=document.pk)).exists()
    assert Decision.objects.filter(material_change=True).exists()
