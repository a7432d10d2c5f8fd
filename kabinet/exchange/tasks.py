"""Background work of the exchange: large imports, run by the task worker."""

from django_tasks import task


@task()
def import_run_task(run_id: int) -> None:
    """Import the files of a queued run; its progress and outcome are written on the run."""
    from .runs import import_run_execute

    import_run_execute(run_id=run_id)
