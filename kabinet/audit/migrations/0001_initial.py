"""AuditEntry, moved from the back office: the table was renamed there, so this only records it."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('backoffice', '0003_auditentry_moved_to_audit'),
        ('providers', '0002_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='AuditEntry',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('at', models.DateTimeField(db_index=True, verbose_name='when')),
                        ('action', models.CharField(db_index=True, max_length=60, verbose_name='action')),
                        ('target_type', models.CharField(max_length=60, verbose_name='object type')),
                        ('target_id', models.CharField(max_length=60, verbose_name='object')),
                        ('before', models.JSONField(blank=True, null=True, verbose_name='before')),
                        ('after', models.JSONField(blank=True, null=True, verbose_name='after')),
                        ('reason', models.CharField(blank=True, max_length=300, verbose_name='reason')),
                        ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='who')),
                        ('provider', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='providers.provider', verbose_name='provider')),
                    ],
                    options={
                        'verbose_name': 'audit entry',
                        'verbose_name_plural': 'audit log',
                        'indexes': [models.Index(fields=['target_type', 'target_id'], name='audit_target_idx')],
                    },
                ),
            ],
        ),
    ]
