"""AuditEntry moves to the `audit` app: the table is renamed, the rows stay."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('backoffice', '0002_importrun'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name='auditentry', table='audit_auditentry'),
            ],
            state_operations=[
                migrations.DeleteModel(name='AuditEntry'),
            ],
        ),
    ]
