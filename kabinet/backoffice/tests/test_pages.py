"""Streets, accounts, provider settings, export and the audit log."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from kabinet.addresses.models import StreetName
from kabinet.addresses.normalize import fold_street
from kabinet.audit.models import AuditEntry
from kabinet.audit.services import audit_record
from kabinet.subscribers.models import AccountLink

pytestmark = pytest.mark.django_db


# --- streets ----------------------------------------------------------------------------------


def test_an_operator_adds_a_former_name_and_the_check_step_finds_the_account_by_it(
    operator_client, make_account, vodokanal
):
    from kabinet.subscribers.check import account_check

    account = make_account("0012345", house="12", apartment="45", surname="Коваленко")
    street = account.street

    response = operator_client.post(
        f"/backoffice/streets/{street.pk}/names/", {"name": "  вулиця  Леніна "}
    )

    added = StreetName.objects.get(street=street, is_current=False)
    assert response.status_code == 302
    assert added.name == "вулиця Леніна"
    assert added.name_key == fold_street("вулиця Леніна")
    assert AuditEntry.objects.get(action="street.name_added").after["name"] == "вулиця Леніна"
    found = account_check(
        provider=vodokanal,
        account_number="0012345",
        street="Леніна",
        house="12",
        apartment="45",
        surname="Коваленко",
    )
    assert found == account


def test_a_former_name_the_street_already_has_is_refused(operator_client, make_street):
    street = make_street("Шевченка", old_names=("Леніна",))

    response = operator_client.post(
        f"/backoffice/streets/{street.pk}/names/", {"name": "ЛЕНІНА"}, follow=True
    )

    assert StreetName.objects.filter(street=street).count() == 2
    assert "already found by that name" in response.content.decode()


def test_streets_are_listed_with_their_former_names_in_few_queries(
    operator_client, make_street, vodokanal, gas, django_assert_max_num_queries
):
    for n in range(20):
        make_street(f"Вулиця {n}", street_id=f"{n:04d}", old_names=(f"Стара {n}",))
    make_street("Газова", provider=gas, street_id="g1")

    with django_assert_max_num_queries(9):
        response = operator_client.get("/backoffice/streets/")

    body = response.content.decode()
    assert body.count("Стара ") == 20
    assert "Газова" not in body


def test_streets_are_found_by_a_former_name(operator_client, make_street):
    make_street("Шевченка", street_id="1", old_names=("Леніна",))
    make_street("Франка", street_id="2")

    body = operator_client.get("/backoffice/streets/?q=леніна").content.decode()

    assert "Шевченка" in body and "Франка" not in body


# --- accounts ---------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["0012345", "Коваленко", "коваленко", "Шевченка 12"])
def test_an_account_is_found_by_number_surname_or_street_and_house(
    operator_client, make_account, make_street, query
):
    street = make_street("Шевченка", street_id="s1")
    make_account("0012345", street=street, house="12", surname="Коваленко")
    make_account("0099999", street=street, house="14", surname="Бондар")

    body = operator_client.get("/backoffice/accounts/", {"q": query}).content.decode()

    assert "0012345" in body
    assert "0099999" not in body


def test_the_account_search_lists_in_few_queries_and_never_shows_another_providers(
    operator_client, make_account, gas, django_assert_max_num_queries
):
    for n in range(25):
        make_account(f"00{n:03d}", surname="Коваленко")
    make_account("77777", provider=gas, surname="Коваленко")

    with django_assert_max_num_queries(8):
        response = operator_client.get("/backoffice/accounts/", {"q": "Коваленко"})

    body = response.content.decode()
    assert body.count("/backoffice/accounts/") >= 25
    assert "77777" not in body


def test_the_account_page_shows_who_is_linked_and_since_when(
    operator_client, make_account, make_subscriber
):
    account = make_account()
    linked_at = timezone.make_aware(dt.datetime(2026, 3, 4, 10, 30))
    make_subscriber("olena", account, linked_at=linked_at)

    body = operator_client.get(f"/backoffice/accounts/{account.pk}/").content.decode()

    assert "olena" in body
    assert "2026-03-04" in body


def test_an_operator_unlinks_an_account_with_a_reason_and_it_is_audited(
    operator_client, operator, make_account, make_subscriber
):
    account = make_account()
    make_subscriber("olena", account)
    link = AccountLink.objects.get()

    operator_client.post(
        f"/backoffice/accounts/{account.pk}/links/{link.pk}/unlink/",
        {"reason": "the flat was sold"},
    )

    link.refresh_from_db()
    entry = AuditEntry.objects.get(action="link.unlinked")
    assert link.unlinked_at is not None
    assert link.unlink_reason == "the flat was sold"
    assert (entry.actor, entry.reason) == (operator, "the flat was sold")


def test_unlinking_without_a_reason_is_refused(operator_client, make_account, make_subscriber):
    account = make_account()
    make_subscriber("olena", account)
    link = AccountLink.objects.get()

    response = operator_client.post(
        f"/backoffice/accounts/{account.pk}/links/{link.pk}/unlink/", {"reason": " "}, follow=True
    )

    link.refresh_from_db()
    assert link.unlinked_at is None
    assert "Say why the account is unlinked." in response.content.decode()


# --- provider settings ------------------------------------------------------------------------


SETTINGS = {
    "read_from": "28",
    "read_to": "5",
    "cutoff": "25",
    "meter_required": "on",
    "daily_max": "2.5",
    "usual_factor": "4",
}


def test_an_operator_changes_provider_settings_and_the_audit_keeps_before_and_after(
    operator_client, operator, vodokanal
):
    response = operator_client.post(f"/backoffice/providers/{vodokanal.pk}/", SETTINGS)

    vodokanal.refresh_from_db()
    entry = AuditEntry.objects.get(action="provider.settings_changed")
    assert response.status_code == 302
    assert (vodokanal.read_from, vodokanal.read_to, vodokanal.cutoff) == (28, 5, 25)
    assert vodokanal.meter_required is True
    assert vodokanal.daily_max == Decimal("2.5")
    assert vodokanal.usual_factor == Decimal("4")
    assert entry.before["read_from"] == 1 and entry.after["read_from"] == 28
    assert entry.before["meter_required"] is False and entry.after["meter_required"] is True
    assert entry.actor == operator


@pytest.mark.parametrize(
    ("field", "value"), [("read_from", "0"), ("read_to", "32"), ("usual_factor", "0.5")]
)
def test_settings_out_of_range_are_refused_with_a_message(operator_client, vodokanal, field, value):
    response = operator_client.post(
        f"/backoffice/providers/{vodokanal.pk}/", {**SETTINGS, field: value}
    )

    vodokanal.refresh_from_db()
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert vodokanal.read_from == 1
    assert not AuditEntry.objects.exists()


def test_saving_unchanged_settings_writes_no_audit_entry(operator_client, vodokanal):
    unchanged = {"read_from": "1", "read_to": "31", "cutoff": "", "usual_factor": "5"}

    operator_client.post(f"/backoffice/providers/{vodokanal.pk}/", unchanged)

    assert not AuditEntry.objects.exists()


# --- export -----------------------------------------------------------------------------------


def test_an_operator_downloads_the_readings_export_of_a_period(
    operator_client, make_account, make_meter, make_reading, vodokanal
):
    meter = make_meter(make_account("0012345"), "В-1402377")
    make_reading(meter, dt.date(2026, 10, 10), "100", source="controller")
    make_reading(meter, dt.date(2026, 11, 3), "112.5", source="portal")

    response = operator_client.get(
        "/backoffice/export/",
        {"provider": vodokanal.pk, "period": "2026-11", "file_format": "csv"},
    )

    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert "readings-vodokanal-20261101-20261130.csv" in response["Content-Disposition"]
    assert "0012345" in body and "112.5" in body


def test_the_export_form_asks_for_a_period_or_a_range(operator_client, vodokanal):
    response = operator_client.get(
        "/backoffice/export/", {"provider": vodokanal.pk, "period": "", "file_format": "csv"}
    )

    assert response.status_code == 200
    assert "Give a period, or both dates of a range." in response.content.decode()


def test_the_export_of_another_providers_readings_is_refused(operator_client, gas):
    response = operator_client.get(
        "/backoffice/export/", {"provider": gas.pk, "period": "2026-11", "file_format": "csv"}
    )

    assert response.status_code == 200
    assert "provider" in response.context["form"].errors


# --- audit log --------------------------------------------------------------------------------


def test_the_audit_log_lists_filters_and_hides_other_providers_in_few_queries(
    operator_client, operator, vodokanal, gas, django_assert_max_num_queries
):
    now = timezone.now()
    for n in range(30):
        audit_record(
            at=now,
            actor=operator,
            action="reading.corrected",
            target=vodokanal,
            provider=vodokanal,
            after={"n": n},
        )
    audit_record(
        at=now,
        actor=operator,
        action="link.unlinked",
        target=vodokanal,
        provider=vodokanal,
        reason="sold",
    )
    audit_record(at=now, actor=None, action="secret.gas", target=gas, provider=gas)

    with django_assert_max_num_queries(8):
        everything = operator_client.get("/backoffice/audit/").content.decode()
    filtered = operator_client.get("/backoffice/audit/", {"action": "link"}).content.decode()

    assert "reading.corrected" in everything
    assert "secret.gas" not in everything
    assert "sold" in filtered and "reading.corrected" not in filtered


def test_the_audit_log_is_read_only(operator_client):
    response = operator_client.post("/backoffice/audit/")

    assert response.status_code == 405
