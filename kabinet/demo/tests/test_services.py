import datetime as dt
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.core.management.base import CommandError

from kabinet.billing.models import Account, LedgerEntry
from kabinet.demo.services import DEMO_LOGINS, demo_seed
from kabinet.metering.models import Meter, Reading
from kabinet.providers.models import Provider
from kabinet.subscribers.models import AccountLink, User

TODAY = dt.date(2026, 11, 28)


@pytest.fixture
def seeded(db, tmp_path):
    return demo_seed(accounts=40, today=TODAY, directory=tmp_path / "town")


def test_the_town_is_imported_through_the_billing_importer(seeded):
    assert seeded.summary.counts["accounts"].inserted == 40
    assert Account.objects.exclude(provider__code="power").count() == 40
    assert Provider.objects.filter(code__in=["vodokanal", "gas", "teplo"]).count() == 3
    assert LedgerEntry.objects.exists()


def test_every_demo_user_can_sign_in_with_a_verified_primary_address(seeded, client):
    for login in DEMO_LOGINS:
        user = User.objects.get(username=login.username)

        signed_in = client.login(username=login.username, password=login.password)

        assert signed_in
        assert EmailAddress.objects.filter(
            user=user, email=login.email, verified=True, primary=True
        ).exists()


def test_the_demo_subscriber_has_a_water_and_a_gas_account_in_one_cabinet(seeded):
    links = AccountLink.objects.filter(user__username="demo", unlinked_at__isnull=True)

    providers = sorted(link.account.provider.code for link in links)

    assert providers == ["gas", "power", "vodokanal"]
    assert links[0].linked_at.date() == TODAY


def test_olena_has_the_account_on_the_renamed_street(seeded):
    link = AccountLink.objects.get(user__username="olena")

    assert link.account.surname == "Кондрат'єва"
    assert link.account.street.names.filter(name="Леніна").exists()


def test_the_operator_works_for_the_vodokanal_and_the_admin_is_a_superuser(seeded):
    operator = User.objects.get(username="operator")
    admin = User.objects.get(username="admin")

    assert operator.is_staff
    assert not operator.is_superuser
    assert list(operator.operated_providers.values_list("code", flat=True)) == ["vodokanal"]
    assert admin.is_superuser


def test_the_article_readings_of_the_demo_cold_meter_are_imported(seeded):
    readings = Reading.objects.filter(
        meter__serial="В-1402377", reading_date__gte=dt.date(2026, 9, 30)
    ).order_by("reading_date")

    assert [(r.reading_date.day, r.value, r.source) for r in readings] == [
        (30, 522, "subscriber"),
        (1, 523, "subscriber"),
        (31, 532, "subscriber"),
    ]


def test_gas_gets_a_daily_maximum_fit_for_gas(seeded):
    gas = Provider.objects.get(code="gas")

    assert gas.daily_max > 3
    assert gas.meter_required


def test_seeding_twice_changes_nothing_and_duplicates_nothing(seeded, tmp_path):
    counts = (User.objects.count(), AccountLink.objects.count(), EmailAddress.objects.count())

    again = demo_seed(accounts=40, today=TODAY, directory=tmp_path / "town")

    assert again.summary.changed == 0
    assert (
        User.objects.count(),
        AccountLink.objects.count(),
        EmailAddress.objects.count(),
    ) == counts


def test_a_link_someone_else_made_is_left_to_them(seeded, tmp_path):
    link = AccountLink.objects.get(user__username="olena")
    stranger = User.objects.create_user("stranger", password="x-Stranger-2026")
    link.unlinked_at = link.linked_at
    link.save()
    AccountLink.objects.create(user=stranger, account=link.account, linked_at=link.linked_at)

    demo_seed(accounts=40, today=TODAY, directory=tmp_path / "town")

    active = AccountLink.objects.get(account=link.account, unlinked_at__isnull=True)
    assert active.user == stranger


def test_the_command_prints_every_login_and_password(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    out = StringIO()

    call_command("seed_demo", accounts=30, stdout=out)

    text = out.getvalue()
    for login in DEMO_LOGINS:
        assert login.username in text
        assert login.password in text
    assert (tmp_path / "demo-town" / "vodokanal-accounts.csv").exists()


def test_the_command_refuses_a_town_too_small_for_its_showcase(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path

    with pytest.raises(CommandError):
        call_command("seed_demo", accounts=3, stdout=StringIO())


def test_the_operator_finds_olenas_confirmed_reading_waiting_for_review(seeded, tmp_path):
    waiting = Reading.objects.filter(status=Reading.Status.REVIEW)

    (reading,) = waiting
    assert reading.meter.serial == "77-000451"
    assert reading.submitted_by.username == "olena"
    assert reading.source == Reading.Source.PORTAL
    assert reading.reading_date == TODAY

    demo_seed(accounts=40, today=TODAY, directory=tmp_path / "town")

    assert list(Reading.objects.filter(status=Reading.Status.REVIEW)) == [reading]


def test_the_demo_has_outages_and_requests_to_show(seeded):
    from kabinet.outages.models import Outage
    from kabinet.outages.selectors import subscriber_outages
    from kabinet.requests.models import Message, Request

    linked_at = dt.datetime(2026, 11, 28, 9, tzinfo=dt.UTC)
    demo = User.objects.get(username="demo")
    olena = User.objects.get(username="olena")

    assert Outage.objects.count() == 2
    assert subscriber_outages(user=demo, now=linked_at)
    assert subscriber_outages(user=olena, now=linked_at)
    no_water = Request.objects.get(user=demo)
    assert no_water.messages.filter(author_kind=Message.Author.AUTOMATIC).exists()
    assert Request.objects.get(user=olena).status == Request.Status.ANSWERED


def test_the_demo_subscriber_has_a_two_zone_electricity_meter_with_a_year_per_zone(seeded):
    from kabinet.demo.power import TARIFFS

    meter = Meter.objects.get(account__provider__code="power", account__number="3100012")
    zones = sorted(set(meter.readings.values_list("zone", flat=True)))
    night_charges = LedgerEntry.objects.filter(account=meter.account, zone="night", kind="charge")

    assert meter.zones == 2
    assert zones == ["day", "night"]
    assert meter.readings.filter(zone="day").count() == 12
    assert not meter.readings.filter(reading_date__gte=TODAY.replace(day=1)).exists()
    assert {entry.tariff for entry in night_charges} == {TARIFFS["night"]}
    assert ("power", "3100035") in {(free.provider, free.number) for free in seeded.free_accounts}
