"""Multi-zone meters: one value per zone, submitted as one reading event."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from kabinet.audit.models import AuditEntry
from kabinet.metering import zoned
from kabinet.metering.models import Reading
from kabinet.metering.selectors import current_tariffs, meter_panels
from kabinet.metering.services import (
    ReadingNeedsConfirmation,
    ReadingRejected,
    reading_submit,
)

D = dt.date


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def power(make_provider):
    return make_provider("power", name="Power", service="electricity")


@pytest.fixture
def two_zone(power, make_account, make_meter, make_reading):
    account = make_account("7700123", provider=power)
    meter = make_meter(
        account, serial="EL-2001", zones=2, digits=6, decimals=1, installed_date=D(2020, 1, 1)
    )
    make_reading(meter, D(2026, 10, 20), "1000", zone="day")
    make_reading(meter, D(2026, 10, 20), "400", zone="night")
    return meter


@pytest.fixture
def submit(subscriber, now):
    def call(meter, values=None, value=None, day=None, **options):
        options.setdefault("source", "portal")
        return reading_submit(
            meter=meter,
            value=value,
            values=values,
            reading_date=day or now.date(),
            submitted_by=subscriber,
            now=options.pop("now", now),
            **options,
        )

    return call


def stored(meter):
    return sorted((r.reading_date, r.zone, r.value) for r in Reading.objects.filter(meter=meter))


def test_a_two_zone_reading_is_stored_per_zone_with_consumption_per_zone_and_in_total(
    submit, two_zone
):
    result = submit(two_zone, {"day": "1120,5", "night": "460"})

    assert [item.reading.zone for item in result.zones] == ["day", "night"]
    assert [item.consumption for item in result.zones] == [Decimal("120.5"), Decimal(60)]
    assert result.consumption == Decimal("180.5")
    assert result.period == D(2026, 11, 1)
    assert stored(two_zone)[-2:] == [
        (D(2026, 11, 20), "day", Decimal("1120.5")),
        (D(2026, 11, 20), "night", Decimal(460)),
    ]
    assert {r.source for r in Reading.objects.filter(reading_date=D(2026, 11, 20))} == {"portal"}
    audits = AuditEntry.objects.filter(action="reading.created")
    assert sorted(entry.after["zone"] for entry in audits) == ["day", "night"]


@pytest.mark.parametrize(
    ("values", "code", "zone"),
    [
        ({"day": "1120"}, "empty", "night"),
        ({"day": "1120", "night": ""}, "empty", "night"),
        ({"day": "11x0", "night": "460"}, "not_a_number", "day"),
        ({"day": "1120", "night": "460", "peak": "5"}, "zone_unknown", "peak"),
    ],
)
def test_a_zone_missing_with_letters_or_unknown_refuses_the_whole_reading(
    submit, two_zone, values, code, zone
):
    before = stored(two_zone)

    with pytest.raises(ReadingRejected) as refused:
        submit(two_zone, values)

    assert refused.value.code == code
    assert refused.value.zone == zone
    assert stored(two_zone) == before


def test_one_zone_lower_than_its_last_reading_needs_confirmation_and_stores_nothing(
    submit, two_zone
):
    before = stored(two_zone)

    with pytest.raises(ReadingNeedsConfirmation) as asked:
        submit(two_zone, {"day": "1120", "night": "399"})

    assert asked.value.code == "wrap"
    assert asked.value.zone == "night"
    assert stored(two_zone) == before


def test_a_refused_zone_wins_over_another_zone_needing_confirmation(submit, two_zone):
    with pytest.raises(ReadingRejected) as refused:
        submit(two_zone, {"day": "999", "night": "abc"})

    assert not isinstance(refused.value, ReadingNeedsConfirmation)
    assert refused.value.zone == "night"


def test_an_implausible_zone_is_stored_for_review_once_confirmed(submit, two_zone):
    with pytest.raises(ReadingNeedsConfirmation) as asked:
        submit(two_zone, {"day": "1130", "night": "90000"})
    assert asked.value.code == "implausible"

    result = submit(two_zone, {"day": "1130", "night": "90000"}, confirm_implausible=True)

    assert [item.reading.status for item in result.zones] == ["accepted", "review"]


def test_a_zone_the_meter_does_not_have_is_refused_by_name(submit, two_zone):
    with pytest.raises(ReadingRejected) as refused:
        submit(two_zone, {"day": "1120", "half_peak": "460"})

    assert refused.value.code == "zone_unknown"
    assert "Day, Night" in refused.value.message


def test_a_single_value_for_a_multi_zone_meter_asks_for_every_zone(submit, two_zone):
    with pytest.raises(ReadingRejected) as refused:
        submit(two_zone, value="1120")

    assert refused.value.code == "zones_required"


def test_a_zone_for_a_single_zone_meter_is_refused(submit, meter):
    with pytest.raises(ReadingRejected) as refused:
        submit(meter, {"": "700", "day": "5"})

    assert refused.value.code == "zone_unknown"
    assert not Reading.objects.filter(meter=meter).exists()


def test_the_same_values_again_change_nothing_and_new_ones_replace_that_day(submit, two_zone, now):
    submit(two_zone, {"day": "1120", "night": "460"})

    again = submit(two_zone, {"day": "1120", "night": "460"})
    changed = submit(two_zone, {"day": "1121", "night": "460"})

    assert again.unchanged
    assert not changed.unchanged and changed.replaced
    assert [item.replaced for item in changed.zones] == [True, False]
    assert Reading.objects.filter(meter=two_zone, reading_date=now.date()).count() == 2
    assert AuditEntry.objects.filter(action="reading.replaced").count() == 1


def test_the_window_applies_to_every_zone(submit, two_zone, power):
    power.read_from, power.read_to = 1, 5
    power.save()
    two_zone.account.provider = power

    with pytest.raises(ReadingRejected) as refused:
        submit(two_zone, {"day": "1120", "night": "460"})

    assert refused.value.code == "window_closed"


def test_a_reading_after_the_cutoff_counts_for_the_next_month_in_every_zone(
    submit, two_zone, power
):
    power.cutoff = 15
    power.save()
    two_zone.account.provider = power

    result = submit(two_zone, {"day": "1120", "night": "460"})

    assert {item.period for item in result.zones} == {D(2026, 12, 1)}


def test_a_three_zone_meter_takes_peak_half_peak_and_night(submit, power, make_account, make_meter):
    meter = make_meter(make_account("7700999", provider=power), serial="EL-3", zones=3)

    result = submit(meter, {"peak": "10", "half_peak": "20", "night": "30"})

    assert [item.reading.zone for item in result.zones] == ["peak", "half_peak", "night"]


def test_the_preview_charges_each_zone_at_its_own_tariff(two_zone, make_ledger, now):
    account = two_zone.account
    for zone, tariff in (("day", "4.32"), ("night", "2.16")):
        make_ledger(
            account, D(2026, 10, 1), "charge", "1", service="electricity", zone=zone, tariff=tariff
        )

    preview = zoned.zones_preview(
        meter=two_zone,
        values={"day": "1100", "night": "450"},
        reading_date=now.date(),
        source="portal",
        today=now.date(),
        tariffs=current_tariffs(account=account),
    )

    assert [zone.estimated_charge for zone in preview.zones] == [
        Decimal("432.00"),
        Decimal("108.00"),
    ]
    assert preview.estimated_charge == Decimal("540.00")
    assert preview.consumption == Decimal(150)


def test_the_history_gives_consumption_per_zone_and_in_total(two_zone, make_reading):
    make_reading(two_zone, D(2026, 11, 20), "1100", zone="day")
    make_reading(two_zone, D(2026, 11, 20), "450", zone="night")

    history = zoned.zoned_history(meter=two_zone, today=D(2026, 11, 25))

    latest = history.events[0]
    assert [cell.consumption for cell in latest.cells] == [Decimal(100), Decimal(50)]
    assert latest.consumption == Decimal(150)
    november = history.months[-1]
    assert november.consumption == sum(zone.months[-1].consumption for zone in history.zones)
    assert november.consumption > 0


def test_the_panel_shows_each_zones_last_value_in_one_more_query(
    two_zone, django_assert_num_queries
):
    with django_assert_num_queries(3):
        panels = meter_panels(account=two_zone.account, today=D(2026, 11, 20))

    assert panels[0].zones == [("day", Decimal(1000), None), ("night", Decimal(400), None)]


def test_a_single_zone_account_panel_costs_no_extra_query(meter, django_assert_num_queries):
    with django_assert_num_queries(2):
        meter_panels(account=meter.account, today=D(2026, 11, 20))


def test_a_two_zone_event_locks_once_and_costs_per_zone_what_a_single_reading_costs(
    submit, two_zone, meter, make_reading, now
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_reading(meter, D(2026, 10, 20), "600")
    meter.account.provider  # noqa: B018  (loaded, as the views load it)
    two_zone.account.provider  # noqa: B018

    with CaptureQueriesContext(connection) as single:
        submit(meter, value="612")
    with CaptureQueriesContext(connection) as zoned_event:
        submit(two_zone, {"day": "1100", "night": "450"})

    # One savepoint and one lock of the meter for the event; each zone its own history
    # and its own INSERT and audit row, as a single-zone reading has.
    shared = 3
    assert len(zoned_event) - shared == 2 * (len(single) - shared)
