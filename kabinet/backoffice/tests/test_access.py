import pytest

from kabinet.backoffice.access import (
    OperatorNotAllowed,
    access_operator_account,
    operator_providers,
)

pytestmark = pytest.mark.django_db


def test_an_operator_reaches_only_the_providers_they_operate(make_operator, vodokanal, gas):
    operator = make_operator(gas)

    providers = list(operator_providers(operator))

    assert providers == [gas]


def test_a_user_who_is_not_staff_operates_nothing(make_operator, vodokanal):
    operator = make_operator(vodokanal)
    operator.is_staff = False
    operator.save()

    assert list(operator_providers(operator)) == []


def test_a_superuser_operates_every_provider(make_operator, vodokanal, gas):
    admin = make_operator(username="admin")
    admin.is_superuser = True
    admin.save()

    assert set(operator_providers(admin)) == {vodokanal, gas}


def test_an_operator_of_gas_cannot_reach_a_vodokanal_account(make_operator, make_account, gas):
    operator = make_operator(gas)
    account = make_account("0012345")

    with pytest.raises(OperatorNotAllowed):
        access_operator_account(user=operator, account_id=account.pk)


def test_an_operator_of_gas_gets_404_on_every_page_of_a_vodokanal_account(
    client, make_operator, make_account, make_meter, make_subscriber, make_reading, gas
):
    import datetime as dt

    from kabinet.subscribers.models import AccountLink

    account = make_account("0012345")
    meter = make_meter(account)
    reading = make_reading(meter, dt.date(2026, 11, 3), "10", status="review")
    make_subscriber("olena", account)
    link = AccountLink.objects.get(account=account)
    client.force_login(make_operator(gas))
    street = account.street

    responses = [
        client.get(f"/backoffice/accounts/{account.pk}/"),
        client.post(f"/backoffice/accounts/{account.pk}/links/{link.pk}/unlink/", {"reason": "x"}),
        client.post(f"/backoffice/review/{reading.pk}/accept/"),
        client.post(f"/backoffice/review/{reading.pk}/correct/", {"value": "11", "reason": "typo"}),
        client.post(f"/backoffice/streets/{street.pk}/names/", {"name": "Леніна"}),
        client.get(f"/backoffice/providers/{account.provider_id}/"),
        client.post(f"/backoffice/providers/{account.provider_id}/", {"read_from": 1}),
    ]

    assert [response.status_code for response in responses] == [404] * len(responses)
    link.refresh_from_db()
    reading.refresh_from_db()
    assert link.unlinked_at is None
    assert reading.status == "review"


def test_a_subscriber_is_refused_the_back_office(client, django_user_model):
    user = django_user_model.objects.create_user(username="olena", password="x")
    client.force_login(user)

    response = client.get("/backoffice/")

    assert response.status_code == 403


def test_a_signed_out_visitor_is_sent_to_sign_in(client):
    response = client.get("/backoffice/")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_each_operator_gate_refuses_another_providers_object(
    make_operator, make_account, make_meter, make_reading, make_subscriber, gas
):
    import datetime as dt

    from kabinet.backoffice.access import (
        access_operator_link,
        access_operator_reading,
        access_operator_street,
    )
    from kabinet.subscribers.models import AccountLink

    account = make_account("0012345")
    reading = make_reading(make_meter(account), dt.date(2026, 11, 3), "10", status="review")
    make_subscriber("olena", account)
    link = AccountLink.objects.get(account=account)
    outsider, insider = make_operator(gas), make_operator(account.provider, username="insider")

    for gate in (
        lambda user: access_operator_reading(user=user, reading_id=reading.pk),
        lambda user: access_operator_street(user=user, street_id=account.street_id),
        lambda user: access_operator_link(user=user, account_id=account.pk, link_id=link.pk),
    ):
        assert gate(insider).pk in {reading.pk, account.street_id, link.pk}
        with pytest.raises(OperatorNotAllowed):
            gate(outsider)
