"""ImportRun moves to the `exchange` app: the table is renamed, the rows stay."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("backoffice", "0003_auditentry_moved_to_audit"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name="importrun", table="exchange_importrun"),
            ],
            state_operations=[
                migrations.DeleteModel(name="ImportRun"),
            ],
        ),
    ]
