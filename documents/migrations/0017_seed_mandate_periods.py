"""The mandate periods 2018–2034: each starts on 15 October of an election year and ends
the day before the next one starts. Later periods are added in the admin."""

import datetime

from django.db import migrations

ELECTION_YEARS = (2018, 2022, 2026, 2030)


def seed(apps, schema_editor):
    MandatePeriod = apps.get_model("documents", "MandatePeriod")
    for year in ELECTION_YEARS:
        MandatePeriod.objects.get_or_create(
            starts_on=datetime.date(year, 10, 15),
            defaults={
                "ends_on": datetime.date(year + 4, 10, 14),
                "name": f"Mandatperioden {year}–{year + 4}",
            },
        )


class Migration(migrations.Migration):
    dependencies = [("documents", "0016_mandate_periods_and_legal_force_help")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
