import threading

import pytest
from django.db import connection, connections

from kabinet.metering.models import Reading
from kabinet.metering.services import reading_submit

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def run_together(count, work):
    """Start `count` threads at one barrier; return what each returned or raised."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def runner(index):
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_simultaneous_submissions_for_one_meter_leave_one_consistent_reading(
    meter, subscriber, now
):
    values = ["345", "346", "347", "348"]

    results = run_together(
        len(values),
        lambda index: reading_submit(
            meter=meter,
            value=values[index],
            reading_date=now.date(),
            source="portal",
            submitted_by=subscriber,
            now=now,
        ),
    )

    assert not [r for r in results if isinstance(r, Exception)]
    stored = Reading.objects.get(meter=meter)
    # Each answer the subscribers got was true when it was given: the last writer's value is
    # the one kept, and every other one replaced or was replaced in the audit trail.
    assert str(stored.value.normalize()) in values
    assert sum(1 for r in results if not r.replaced and not r.unchanged) == 1


def test_a_double_click_stores_one_reading(meter, subscriber, now):
    results = run_together(
        2,
        lambda index: reading_submit(
            meter=meter,
            value="345,5",
            reading_date=now.date(),
            source="portal",
            submitted_by=subscriber,
            now=now,
        ),
    )

    assert not [r for r in results if isinstance(r, Exception)]
    assert Reading.objects.filter(meter=meter).count() == 1
    assert sorted(r.unchanged for r in results) == [False, True]
