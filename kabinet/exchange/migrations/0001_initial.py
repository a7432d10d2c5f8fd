"""ImportRun, moved from the back office: the table was renamed there, so this only records it."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("backoffice", "0004_importrun_moved_to_exchange"),
        ("providers", "0002_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="ImportRun",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("created_at", models.DateTimeField(db_index=True, verbose_name="started")),
                        (
                            "finished_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="finished"),
                        ),
                        ("via", models.CharField(default="web", max_length=10, verbose_name="through")),
                        ("dry_run", models.BooleanField(default=False, verbose_name="dry run")),
                        (
                            "encoding",
                            models.CharField(blank=True, max_length=20, verbose_name="encoding"),
                        ),
                        ("file_names", models.JSONField(default=list, verbose_name="files")),
                        ("stored_paths", models.JSONField(default=list)),
                        ("total_bytes", models.PositiveBigIntegerField(default=0)),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("queued", "Queued"),
                                    ("running", "Running"),
                                    ("done", "Done"),
                                    ("rejected", "Rejected: invalid data"),
                                    ("failed", "Failed"),
                                ],
                                default="queued",
                                max_length=10,
                                verbose_name="result",
                            ),
                        ),
                        ("progress_done", models.PositiveIntegerField(default=0)),
                        ("progress_total", models.PositiveIntegerField(default=0)),
                        (
                            "counts",
                            models.JSONField(blank=True, default=dict, verbose_name="counts"),
                        ),
                        (
                            "errors",
                            models.JSONField(blank=True, default=list, verbose_name="errors"),
                        ),
                        ("error_total", models.PositiveIntegerField(default=0)),
                        ("message", models.CharField(blank=True, max_length=500)),
                        (
                            "actor",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="who",
                            ),
                        ),
                        (
                            "applied_from",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="exchange.importrun",
                                verbose_name="applies the dry run",
                            ),
                        ),
                        (
                            "provider",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="providers.provider",
                                verbose_name="provider",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "import run",
                        "verbose_name_plural": "import runs",
                        "indexes": [
                            models.Index(
                                fields=["provider", "created_at"], name="import_run_provider_idx"
                            )
                        ],
                    },
                ),
            ],
        ),
    ]
