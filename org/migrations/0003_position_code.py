
import django.db.models.deletion
import org.models
from django.conf import settings
from django.db import migrations, models


def give_codes(apps, schema_editor):
    """Existing positions get a code from their id (the import recognises positions by code)."""
    Position = apps.get_model("org", "Position")
    for position in Position.objects.filter(code__isnull=True).only("pk"):
        Position.objects.filter(pk=position.pk).update(code=f"B{position.pk}")


class Migration(migrations.Migration):

    dependencies = [
        ('org', '0002_body_minutes_kept_at'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='position',
            name='code',
            field=models.CharField(max_length=50, null=True, verbose_name='code'),
        ),
        migrations.RunPython(give_codes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='position',
            name='code',
            field=models.CharField(blank=True, default=org.models.new_position_code, help_text="Stable key of the position, e.g. the HR system's position code; the organisation import recognises the position by it.", max_length=50, unique=True, verbose_name='code'),
        ),
    ]
