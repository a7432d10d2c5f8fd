import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from kabinet.audit.models import AuditEntry
from kabinet.metering.models import Reading
from kabinet.metering.services import (
    ReadingNeedsConfirmation,
    ReadingRejected,
    reading_submit,
)

from .conftest import kyiv

D = dt.date


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def submit(meter, subscriber, now):
    def call(value, day=None, **options):
        options.setdefault("source", "portal")
        return reading_submit(
            meter=options.pop("meter", meter),
            value=value,
            reading_date=day or now.date(),
            submitted_by=subscriber,
            now=options.pop("now", now),
            **options,
        )

    return call


def test_a_reading_is_stored_with_its_consumption_and_period(submit, meter, make_reading):
    make_reading(meter, D(2026, 10, 20), "612.204")

    result = submit("622,911")

    assert result.reading.value == Decimal("622.911")
    assert result.reading.source == "portal"
    assert result.reading.status == "accepted"
    assert result.consumption == Decimal("10.707")
    assert result.period == D(2026, 11, 1)
    assert not result.replaced


def test_a_new_reading_is_written_to_the_audit_trail(submit, subscriber):
    result = submit("10")

    entry = AuditEntry.objects.get(action="reading.created", target_id=str(result.reading.pk))
    assert entry.actor == subscriber
    assert entry.after["value"] == "10.000"


def test_the_first_reading_counts_from_the_value_at_installation(submit, meter):
    meter.initial = Decimal("12.5")
    meter.save()

    result = submit("20")

    assert result.consumption == Decimal("7.5")


@pytest.mark.parametrize(
    ("typed", "code", "words"),
    [
        ("", "empty", "Type the number the meter shows"),
        ("   ", "empty", "Type the number the meter shows"),
        ("abc", "not_a_number", "not a meter reading"),
        ("1e9", "not_a_number", "not a meter reading"),
        ("12,3,4", "not_a_number", "not a meter reading"),
        ("-5", "negative", "cannot be negative"),
        ("9" * 400, "too_long", "too long"),
        ("1000000", "too_many_digits", "at most 5 digits before the comma"),
        ("12,3456", "too_many_decimals", "3 digits after the comma"),
    ],
)
def test_a_bad_value_is_refused_with_what_to_do(submit, typed, code, words):
    with pytest.raises(ReadingRejected) as refused:
        submit(typed)

    assert refused.value.code == code
    assert words in refused.value.message
    assert not Reading.objects.exists()


def test_arabic_indic_digits_are_read_as_the_same_number(submit):
    result = submit("٣٤٥٫٥")

    assert result.reading.value == Decimal("345.5")


def test_a_value_typed_with_a_dot_or_a_comma_is_the_same(submit, meter, now):
    first = submit("345.5")

    second = submit("345,500")

    assert second.unchanged
    assert second.reading.pk == first.reading.pk


def test_a_date_in_the_future_is_refused(submit, now):
    with pytest.raises(ReadingRejected) as refused:
        submit("10", day=now.date() + dt.timedelta(days=1))

    assert refused.value.code == "date_in_future"
    assert "cannot be in the future" in refused.value.message


def test_a_date_before_the_last_reading_is_refused(submit, meter, make_reading):
    make_reading(meter, D(2026, 11, 10), "600")

    with pytest.raises(ReadingRejected) as refused:
        submit("610", day=D(2026, 11, 9))

    assert refused.value.code == "date_before_last"
    assert "The last reading is of 11/10/2026" in refused.value.message


def test_a_date_before_installation_is_refused(submit):
    with pytest.raises(ReadingRejected) as refused:
        submit("10", day=D(2015, 5, 1))

    assert refused.value.code == "date_before_installed"


def test_a_removed_meter_takes_no_readings(submit, meter):
    meter.removed_date = D(2026, 6, 1)
    meter.save()

    with pytest.raises(ReadingRejected) as refused:
        submit("10")

    assert refused.value.code == "meter_removed"
    assert "ask the provider to register it" in refused.value.message


def test_outside_the_window_the_message_gives_the_day_it_opens(submit, meter):
    provider = meter.account.provider
    provider.read_from, provider.read_to = 28, 5
    provider.save()

    with pytest.raises(ReadingRejected) as refused:
        submit("10", now=kyiv(2026, 11, 20))

    assert refused.value.code == "window_closed"
    assert "opens on 11/28/2026" in refused.value.message


def test_inside_a_window_across_the_months_end_a_reading_is_taken(submit, meter):
    provider = meter.account.provider
    provider.read_from, provider.read_to = 28, 5
    provider.save()

    result = submit("10", day=D(2026, 12, 2), now=kyiv(2026, 12, 2))

    assert result.reading.reading_date == D(2026, 12, 2)


def test_an_operator_may_enter_a_reading_outside_the_window(submit, meter):
    provider = meter.account.provider
    provider.read_from, provider.read_to = 28, 5
    provider.save()

    result = submit("10", source="operator")

    assert result.reading.source == "operator"


def test_a_reading_after_the_cut_off_counts_for_the_next_month(submit, meter):
    provider = meter.account.provider
    provider.cutoff = 15
    provider.save()

    result = submit("10")

    assert result.period == D(2026, 12, 1)


def test_a_lower_value_after_an_obvious_wrap_is_taken(submit, meter, make_reading):
    meter.digits = 4
    meter.save()
    make_reading(meter, D(2026, 11, 1), "9990")

    result = submit("5")

    assert result.consumption == 15
    assert result.reading.status == "accepted"


def test_a_lower_value_needs_the_subscribers_word_that_the_counter_wrapped(
    submit, meter, make_reading
):
    make_reading(meter, D(2026, 11, 1), "600")

    with pytest.raises(ReadingNeedsConfirmation) as asked:
        submit("590")

    assert asked.value.code == "wrap"
    assert "lower than the last reading, 600.000" in asked.value.message
    assert not Reading.objects.filter(reading_date=D(2026, 11, 20)).exists()


def test_a_confirmed_wrap_is_then_checked_for_plausibility(submit, meter, make_reading):
    make_reading(meter, D(2026, 11, 1), "600")

    with pytest.raises(ReadingNeedsConfirmation) as asked:
        submit("590", confirm_wrap=True)

    assert asked.value.code == "implausible"


def test_a_confirmed_wrap_on_a_small_counter_is_stored(submit, meter, make_reading):
    meter.digits = 3
    meter.save()
    make_reading(meter, D(2025, 11, 20), "850")

    result = submit("50", confirm_wrap=True)

    assert result.consumption == 200
    assert result.reading.value == 50


def test_above_the_daily_maximum_the_subscriber_is_asked_about_an_extra_digit(
    submit, meter, make_reading
):
    make_reading(meter, D(2026, 11, 10), "600")

    with pytest.raises(ReadingNeedsConfirmation) as asked:
        submit("6100")

    assert asked.value.code == "implausible"
    assert "Did you type an extra digit?" in asked.value.message
    assert not Reading.objects.filter(reading_date=D(2026, 11, 20)).exists()


def test_a_confirmed_implausible_reading_waits_for_an_operators_review(submit, meter, make_reading):
    make_reading(meter, D(2026, 11, 10), "600")

    result = submit("6100", confirm_implausible=True)

    assert result.reading.status == "review"


def test_five_times_the_usual_use_is_implausible(submit, meter, make_reading):
    # Usually 0.1 m³ a day, well under the 3 m³ daily maximum.
    make_reading(meter, D(2026, 8, 20), "100")
    make_reading(meter, D(2026, 9, 19), "103")
    make_reading(meter, D(2026, 10, 19), "106")
    make_reading(meter, D(2026, 11, 10), "108")

    with pytest.raises(ReadingNeedsConfirmation) as asked:
        submit("113")

    assert asked.value.code == "implausible"


def test_readings_waiting_for_review_do_not_count_towards_the_usual_use(
    submit, meter, make_reading
):
    make_reading(meter, D(2026, 8, 20), "100")
    make_reading(meter, D(2026, 9, 19), "103")
    # Counted, it would make the usual use huge (a wrap to 106) and nothing implausible.
    make_reading(meter, D(2026, 10, 1), "190", status="review")
    make_reading(meter, D(2026, 10, 19), "106")
    make_reading(meter, D(2026, 11, 10), "108")

    with pytest.raises(ReadingNeedsConfirmation) as asked:
        submit("113")

    assert asked.value.code == "implausible"


@pytest.mark.parametrize(("value", "implausible"), [("458", True), ("297", False)])
def test_the_usual_use_is_that_of_the_year_before_the_previous_reading_however_old(
    submit, meter, make_reading, value, implausible
):
    # Usually 0.1 m³ a day, in the year before a reading read a year and a half ago.
    make_reading(meter, D(2024, 6, 1), "100")
    make_reading(meter, D(2024, 12, 1), "118.3")
    make_reading(meter, D(2025, 6, 1), "136.4")

    # 537 days later: 0.6 m³ a day is more than five times that, 0.3 m³ is not.
    if implausible:
        with pytest.raises(ReadingNeedsConfirmation) as asked:
            submit(value)
        assert asked.value.code == "implausible"
    else:
        assert submit(value).reading.status == "accepted"


def test_the_provider_sets_its_own_daily_maximum(submit, meter, make_reading):
    provider = meter.account.provider
    provider.daily_max = Decimal(10)
    provider.save()
    make_reading(meter, D(2026, 11, 10), "600")

    result = submit("690")

    assert result.reading.status == "accepted"


def test_a_new_value_for_the_same_day_replaces_the_old_one_and_audits_it(submit, subscriber):
    first = submit("345")

    second = submit("346")

    assert second.replaced
    assert second.reading.pk == first.reading.pk
    assert Reading.objects.get().value == 346
    entry = AuditEntry.objects.get(action="reading.replaced")
    assert entry.before["value"] == "345.000"
    assert entry.after["value"] == "346.000"


def test_the_same_value_twice_stores_one_reading(submit):
    first = submit("345")

    again = submit("345")

    assert again.unchanged and not again.replaced
    assert Reading.objects.count() == 1
    assert again.reading.pk == first.reading.pk
    assert AuditEntry.objects.filter(action="reading.replaced").count() == 0


def test_a_subscriber_does_not_overwrite_the_providers_reading_for_a_day(
    submit, meter, make_reading, now
):
    make_reading(meter, now.date(), "345", source="controller")

    with pytest.raises(ReadingRejected) as refused:
        submit("350")

    assert refused.value.code == "day_taken"
    assert "Controller" in refused.value.message


def test_a_subscribers_reading_replaces_a_billing_estimate_for_the_day(
    submit, meter, make_reading, now
):
    make_reading(meter, now.date(), "345", source="estimate")

    result = submit("350")

    assert result.replaced
    assert result.reading.source == "portal"


def test_an_overdue_verification_is_a_warning_not_a_refusal(submit, meter):
    meter.verify_by_date = D(2026, 1, 1)
    meter.save()

    result = submit("10")

    assert result.reading.pk
    assert "verification was due on 01/01/2026" in result.warnings[0]


def test_an_unknown_source_is_a_programming_error(submit):
    with pytest.raises(ValueError, match="unknown reading source"):
        submit("10", source="carrier-pigeon")


def test_a_reading_on_the_same_day_keeps_its_consumption_from_the_day_before(
    submit, meter, make_reading
):
    make_reading(meter, D(2026, 11, 10), "600")
    submit("605")

    again = submit("606")

    assert again.consumption == 6
