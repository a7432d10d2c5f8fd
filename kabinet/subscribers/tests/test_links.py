"""Adding and removing accounts in a cabinet, reached only through the subscriber's links."""

import datetime as dt

import pytest
from django.utils import translation

from kabinet.audit.models import AuditEntry
from kabinet.subscribers.models import AccountLink

LINKED = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


@pytest.fixture
def subscriber(django_user_model):
    return django_user_model.objects.create_user("olena.k", "olena@example.com", "x")


@pytest.fixture
def gas_account(make_provider, make_street, make_account):
    gas = make_provider("gas")
    street = make_street("Франка", provider=gas, street_id="g-1", old_names=("Пушкіна",))
    return make_account(
        "G-77", provider=gas, street=street, house="7", apartment="", surname="Бойко"
    )


def test_a_signed_in_subscriber_adds_an_account_of_another_provider(
    subscriber, gas_account, billed_account, client
):
    client.force_login(subscriber)

    response = client.post(
        "/cabinet/accounts/add/",
        {
            "provider": gas_account.provider.pk,
            "account": "g-77",
            "street": "Пушкіна",
            "house": "7",
            "surname": "БОЙКО",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/cabinet/"
    link = AccountLink.objects.get(account=gas_account, unlinked_at__isnull=True)
    assert link.user == subscriber
    entry = AuditEntry.objects.get(action="link.created", target_id=str(link.pk))
    assert entry.actor == subscriber
    assert entry.provider == gas_account.provider


def test_adding_needs_a_signed_in_subscriber(billed_account, client):
    response = client.get("/cabinet/accounts/add/")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_adding_an_account_that_does_not_match_links_nothing(
    subscriber, billed_account, client, check_post
):
    client.force_login(subscriber)

    response = client.post("/cabinet/accounts/add/", check_post | {"apartment": "99"})

    assert response.status_code == 200
    assert not AccountLink.objects.exists()


def test_another_subscribers_account_answers_404(
    subscriber, billed_account, client, django_user_model
):
    owner = django_user_model.objects.create_user("owner", "o@example.com", "x")
    AccountLink.objects.create(user=owner, account=billed_account, linked_at=LINKED)
    client.force_login(subscriber)

    shown = client.get(f"/cabinet/accounts/{billed_account.pk}/unlink/")
    removed = client.post(f"/cabinet/accounts/{billed_account.pk}/unlink/")
    missing = client.get("/cabinet/accounts/999999/unlink/")

    assert shown.status_code == removed.status_code == missing.status_code == 404
    assert AccountLink.objects.get(account=billed_account).unlinked_at is None


def test_unlinking_asks_first_then_removes_the_link_and_records_it(
    subscriber, billed_account, client
):
    link = AccountLink.objects.create(user=subscriber, account=billed_account, linked_at=LINKED)
    client.force_login(subscriber)
    url = f"/cabinet/accounts/{billed_account.pk}/unlink/"

    question = client.get(url)
    answer = client.post(url, {"reason": "moved out"})

    link.refresh_from_db()
    assert question.status_code == 200
    assert answer.status_code == 302
    assert link.unlinked_at is not None
    assert link.unlink_reason == "moved out"
    entry = AuditEntry.objects.get(action="link.removed", target_id=str(link.pk))
    assert entry.before["account"] == "0012345"
    assert entry.after["reason"] == "moved out"


def test_the_settings_page_lists_linked_accounts_in_few_queries(
    subscriber, billed_account, gas_account, client, django_assert_max_num_queries
):
    for account in (billed_account, gas_account):
        AccountLink.objects.create(user=subscriber, account=account, linked_at=LINKED)
    client.force_login(subscriber)

    with django_assert_max_num_queries(6):
        page = client.get("/cabinet/settings/")

    assert "0012345" in page.content.decode()
    assert "G-77" in page.content.decode()


# --- one way to end a link, whoever ends it ---------------------------------------------------

ENDED = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


def test_a_subscriber_and_an_operator_end_links_through_one_service_recorded_alike(
    subscriber, billed_account, gas_account, django_user_model
):
    from kabinet.subscribers.services import account_link_end

    operator = django_user_model.objects.create_user("operator", is_staff=True)
    own = AccountLink.objects.create(user=subscriber, account=billed_account, linked_at=LINKED)
    other = AccountLink.objects.create(user=subscriber, account=gas_account, linked_at=LINKED)

    account_link_end(link=own, actor=subscriber, now=ENDED)
    account_link_end(link=other, actor=operator, now=ENDED, reason=" sold the flat ")

    removed = AuditEntry.objects.get(target_id=str(own.pk))
    unlinked = AuditEntry.objects.get(target_id=str(other.pk))
    assert (removed.action, removed.actor) == ("link.removed", subscriber)
    assert (unlinked.action, unlinked.actor) == ("link.unlinked", operator)
    assert (
        set(removed.before) == set(unlinked.before) == {"user", "account", "provider", "linked_at"}
    )
    assert unlinked.after["reason"] == unlinked.reason == "sold the flat"
    other.refresh_from_db()
    assert (other.unlinked_at, other.unlink_reason) == (ENDED, "sold the flat")


def test_an_operator_must_say_why_and_an_ended_link_cannot_end_again(
    subscriber, billed_account, django_user_model
):
    from kabinet.subscribers.services import LinkNotEnded, account_link_end

    operator = django_user_model.objects.create_user("operator", is_staff=True)
    link = AccountLink.objects.create(user=subscriber, account=billed_account, linked_at=LINKED)

    with translation.override("en"), pytest.raises(LinkNotEnded, match="Say why"):
        account_link_end(link=link, actor=operator, now=ENDED, reason="  ")
    link.refresh_from_db()
    assert link.unlinked_at is None
    account_link_end(link=link, actor=subscriber, now=ENDED)
    with translation.override("en"), pytest.raises(LinkNotEnded, match="already ended"):
        account_link_end(link=link, actor=operator, now=ENDED, reason="again")
    assert AuditEntry.objects.filter(target_id=str(link.pk)).count() == 1
