"""Paragraphs stored before they were normalised on save get their sign ("26" -> "§ 26"), so
pages can show the stored paragraph as it is."""

from django.db import migrations

from documents.models.decision import minutes_paragraph


def normalise(apps, schema_editor):
    Decision = apps.get_model("documents", "Decision")
    changed = []
    for decision in (
        Decision.objects.exclude(paragraph="")
        .exclude(paragraph__startswith="§ ")
        .only("pk", "paragraph")
        .iterator(chunk_size=2000)
    ):
        shown = minutes_paragraph(decision.paragraph)
        if shown != decision.paragraph:
            decision.paragraph = shown
            changed.append(decision)
    Decision.objects.bulk_update(changed, ["paragraph"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("documents", "0020_diary_entry_public")]

    operations = [migrations.RunPython(normalise, migrations.RunPython.noop, elidable=True)]
