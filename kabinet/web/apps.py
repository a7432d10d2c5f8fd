from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def create_cache_table(sender, using: str = "default", **kwargs) -> None:
    # The database cache is shared by every server process on SQLite; `migrate` is the one step
    # every installation runs, so it creates the table too.
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


class WebConfig(AppConfig):
    name = "kabinet.web"
    verbose_name = _("Web")

    def ready(self) -> None:
        post_migrate.connect(create_cache_table, sender=self)
