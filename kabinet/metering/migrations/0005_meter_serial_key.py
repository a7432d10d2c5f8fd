from django.db import migrations, models

from kabinet.metering.keys import meter_serial_key


def fill_serial_keys(apps, schema_editor):
    """Fold the serials of the meters already there, as the Check step now reads them."""
    Meter = apps.get_model("metering", "Meter")
    batch = []
    for meter in Meter.objects.only("id", "serial").iterator(chunk_size=2000):
        meter.serial_key = meter_serial_key(meter.serial)
        batch.append(meter)
        if len(batch) >= 2000:
            Meter.objects.bulk_update(batch, ["serial_key"])
            batch = []
    Meter.objects.bulk_update(batch, ["serial_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("metering", "0004_zones_and_quick_sources"),
    ]

    operations = [
        migrations.AddField(
            model_name="meter",
            name="serial_key",
            field=models.CharField(blank=True, db_default="", default="", max_length=80),
        ),
        migrations.RunPython(fill_serial_keys, migrations.RunPython.noop),
    ]
