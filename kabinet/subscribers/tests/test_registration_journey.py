"""Registration over HTTP, as a person with a bill goes through it."""

import re
import time
from unittest.mock import patch

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kabinet.subscribers.models import AccountLink, RegistrationClaim

SITE = "https://kabinet.example.org"
CREDENTIALS = {
    "username": "olena.k",
    "email": "olena@example.com",
    "password1": "зелений чайник співає",
    "password2": "зелений чайник співає",
}


@pytest.fixture(autouse=True)
def public_site(settings):
    settings.SITE_URL = SITE


def link_in(message):
    return re.search(r"https?://\S+", message.body).group(0)


def register(client: Client, check_post: dict, credentials: dict | None = None):
    client.post("/register/", check_post)
    return client.post("/register/credentials/", credentials or CREDENTIALS)


def test_the_check_step_has_the_fields_of_the_interface(billed_account, client):
    page = client.get("/register/")

    assert page.status_code == 200
    for name in ["account", "street", "house", "korpus", "apartment", "surname"]:
        assert f'name="{name}"' in page.content.decode()
    assert 'name="provider"' not in page.content.decode()


def test_the_provider_is_a_choice_when_there_are_several(billed_account, make_provider, client):
    make_provider("gas", meter_required=True)

    page = client.get("/register/").content.decode()

    assert 'name="provider"' in page
    assert 'name="meter"' in page


def test_a_provider_that_requires_a_meter_gets_its_serial_asked(
    billed_account, client, check_post, make_meter
):
    billed_account.provider.meter_required = True
    billed_account.provider.save()
    make_meter(billed_account, serial="В-1402377")

    without = client.post("/register/", check_post)
    with_serial = client.post("/register/", check_post | {"meter": "в 1402377"})

    assert "meter" in without.context["form"].errors
    assert with_serial.status_code == 302


def test_a_matching_bill_leads_to_the_credentials_step(billed_account, client, check_post):
    response = client.post("/register/", check_post)

    assert response.status_code == 302
    assert response["Location"] == "/register/credentials/"


def test_the_credentials_step_needs_a_proved_account(billed_account, client):
    response = client.get("/register/credentials/")

    assert response.status_code == 302
    assert response["Location"] == "/register/"


def test_the_whole_journey_from_the_bill_to_the_cabinet(billed_account, client, check_post):
    sent = register(client, check_post)
    message = mail.outbox[-1]
    link = link_in(message)

    assert sent.status_code == 302
    assert message.to == ["olena@example.com"]
    assert link.startswith(f"{SITE}/confirm-email/")
    assert not AccountLink.objects.filter(account=billed_account).exists()

    other_browser = Client()
    path = link.removeprefix(SITE)
    page = other_browser.get(path)
    confirmed = other_browser.post(path)

    assert page.status_code == 200
    assert "Confirm" in page.content.decode() or "Підтвердити" in page.content.decode()
    assert confirmed.status_code == 302
    assert confirmed["Location"] == "/cabinet/"
    link_row = AccountLink.objects.get(account=billed_account, unlinked_at__isnull=True)
    assert link_row.user.username == "olena.k"
    assert other_browser.session["_auth_user_id"] == str(link_row.user.pk)
    assert not RegistrationClaim.objects.exists()


def test_the_confirmation_link_works_only_once(billed_account, client, check_post):
    register(client, check_post)
    path = link_in(mail.outbox[-1]).removeprefix(SITE)
    Client().post(path)

    again = Client()
    response = again.post(path)

    assert response.status_code == 200
    assert "_auth_user_id" not in again.session
    assert AccountLink.objects.filter(account=billed_account).count() == 1


def test_the_mail_link_never_takes_the_request_host(billed_account, check_post):
    client = Client(HTTP_HOST="localhost")

    register(client, check_post)

    assert link_in(mail.outbox[-1]).startswith(SITE)


def test_an_account_registered_while_the_mail_waited_is_not_linked_twice(
    billed_account, client, check_post, django_user_model
):
    register(client, check_post)
    path = link_in(mail.outbox[-1]).removeprefix(SITE)
    someone = django_user_model.objects.create_user("someone", "s@example.com", "x")
    AccountLink.objects.create(user=someone, account=billed_account, linked_at="2026-01-01T00:00Z")

    response = Client().post(path)

    assert response.status_code == 302
    assert AccountLink.objects.get(account=billed_account).user == someone


def test_a_wrong_field_and_an_unknown_number_answer_alike(billed_account, client, check_post):
    wrong_surname = client.post("/register/", check_post | {"surname": "Іванова"})
    unknown_number = client.post("/register/", check_post | {"account": "7777777"})

    def error_of(response):
        return re.search(r'<div class="form-errors".*?</div>', response.content.decode(), re.S)[0]

    assert wrong_surname.status_code == unknown_number.status_code == 200
    assert error_of(wrong_surname) == error_of(unknown_number)


def test_an_account_with_a_cabinet_points_to_password_recovery(
    billed_account, client, check_post, django_user_model
):
    owner = django_user_model.objects.create_user("owner", "o@example.com", "x")
    AccountLink.objects.create(user=owner, account=billed_account, linked_at="2026-01-01T00:00Z")

    page = client.post("/register/", check_post).content.decode()

    assert "/password/reset/" in page


def test_too_many_failures_say_when_to_try_again(billed_account, client, check_post):
    for _ in range(6):
        client.post("/register/", check_post | {"surname": "Іванова"})

    page = client.post("/register/", check_post).content.decode()

    assert re.search(r"\d\d:\d\d", page)
    assert "/register/credentials/" not in page


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"username": "olenа"}, "username"),  # a Cyrillic а among Latin letters
        ({"username": "olena k"}, "username"),
        ({"password1": "12345678", "password2": "12345678"}, "password1"),
        ({"password1": "password", "password2": "password"}, "password1"),
        ({"password1": "short", "password2": "short"}, "password1"),
        ({"password1": "olena.k1", "password2": "olena.k1"}, "password1"),
        ({"password1": "Кон'кова1", "password2": "Кон'кова1"}, "password1"),
        ({"password2": "something else"}, "password2"),
        ({"email": "not an address"}, "email"),
    ],
)
def test_credentials_breaking_a_rule_are_refused_on_their_field(
    billed_account, client, check_post, change, field
):
    response = register(client, check_post, CREDENTIALS | change)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not mail.outbox


def test_a_login_that_only_looks_like_a_taken_one_is_refused(
    billed_account, client, check_post, django_user_model
):
    django_user_model.objects.create_user("OLENA.K", "first@example.com", "x")

    response = register(client, check_post, CREDENTIALS | {"username": "оlena.k"})

    assert "username" in response.context["form"].errors


def test_allauths_own_signup_leads_to_the_check_step(client):
    response = client.get("/signup/")

    assert response.status_code == 302
    assert response["Location"] == "/register/"


def test_street_suggestions_show_a_former_name_with_the_current_one(billed_account, client):
    response = client.get("/register/streets/", {"street": "леніна"}, HTTP_HX_REQUEST="true")

    page = response.content.decode()
    assert "Леніна" in page
    assert "вул. Шевченка" in page
    assert "<html" not in page


def test_street_search_works_without_javascript_as_a_page(billed_account, client):
    response = client.get("/register/streets/", {"street": "шевч"})

    page = response.content.decode()
    assert "<html" in page
    assert "/register/?street=" in page


def test_the_confirmation_link_expires_after_three_days(billed_account, client, check_post):
    from unittest import mock

    register(client, check_post)
    path = link_in(mail.outbox[-1]).removeprefix(SITE)
    four_days_later = time.time() + 4 * 24 * 3600

    with mock.patch("django.core.signing.time.time", return_value=four_days_later):
        response = Client().post(path)

    assert response.status_code == 200
    assert not AccountLink.objects.exists()


def test_an_account_closed_while_the_mail_waited_is_not_linked(billed_account, client, check_post):
    register(client, check_post)
    path = link_in(mail.outbox[-1]).removeprefix(SITE)
    billed_account.closed_date = "2026-11-01"
    billed_account.save()

    response = Client().post(path)

    assert response["Location"] == "/cabinet/"
    assert not AccountLink.objects.exists()


@pytest.mark.parametrize("path", ["/register/", "/register/credentials/"])
def test_every_field_has_a_help_button_tied_to_its_sample(billed_account, client, check_post, path):
    if path == "/register/credentials/":
        client.post("/register/", check_post)

    page = client.get(path).content.decode()
    inputs = re.findall(r'<(?:input|select)[^>]*name="(\w+)"[^>]*>', page)
    fields = [n for n in inputs if n not in {"csrfmiddlewaretoken", "language", "next"}]

    assert fields
    for name in fields:
        button = f'class="help-toggle" data-help-toggle aria-controls="id_{name}-help">'
        assert f'<button type="button" {button}' in page
        assert re.search(rf'<p class="help-sample" id="id_{name}-help">[^<]*: \S', page), name
        tag = re.search(rf'<(?:input|select)[^>]*name="{name}"[^>]*>', page)[0]
        assert f'aria-describedby="id_{name}-help"' in tag


def _shapes(queries) -> list[str]:
    """The statements without their literals: what was asked of the database, not of what."""
    return [re.sub(r"'[^']*'|\"s\w+\"|\b\d+\b", "?", query["sql"]) for query in queries]


@pytest.mark.parametrize("meter_required", [False, True])
def test_the_check_step_costs_few_queries_and_the_same_for_every_failure(
    billed_account, make_provider, make_meter, client, check_post, meter_required
):
    # A right answer: the providers, the throttle (one cache read), the account with its
    # street, link and meters (one statement); no session is written.
    billed_account.provider.meter_required = meter_required
    billed_account.provider.save()
    make_meter(billed_account, serial="В-1402377")
    make_provider("gas")
    client.get("/register/")
    posted = check_post | {"provider": billed_account.provider.pk, "meter": "В-1402377"}

    with CaptureQueriesContext(connection) as wrong_surname:
        wrong = client.post("/register/", posted | {"surname": "Іванова"})
    with CaptureQueriesContext(connection) as unknown_number:
        unknown = client.post("/register/", posted | {"account": "7777777"})
    with CaptureQueriesContext(connection) as right:
        matched = client.post("/register/", posted)

    assert (wrong.status_code, unknown.status_code, matched.status_code) == (200, 200, 302)
    assert len(right.captured_queries) == 3, _shapes(right.captured_queries)
    assert _shapes(wrong_surname.captured_queries) == _shapes(unknown_number.captured_queries)
    # The same three, then the failure counted: one read, one add per throttle.
    assert len(wrong_surname.captured_queries) <= 14, _shapes(wrong_surname.captured_queries)


def test_a_successful_check_writes_no_session_but_a_signed_proof_for_an_hour(
    billed_account, client, check_post
):
    response = client.post("/register/", check_post)

    assert "sessionid" not in response.cookies
    proof = response.cookies["kabinet_registration"]
    assert str(billed_account.pk) in proof.value
    assert proof["httponly"]
    assert proof["samesite"] == "Lax"
    assert proof["path"] == "/register/"
    assert proof["max-age"] == 3600
    assert client.get("/register/credentials/").status_code == 200


def test_an_altered_or_expired_proof_is_no_proof(billed_account, make_account, client, check_post):
    other = make_account("0099999", provider=billed_account.provider)
    client.post("/register/", check_post)
    proof = client.cookies["kabinet_registration"].value
    altered = proof.replace(str(billed_account.pk), str(other.pk), 1)

    client.cookies["kabinet_registration"] = altered
    assert client.get("/register/credentials/")["Location"] == "/register/"
    client.cookies["kabinet_registration"] = proof
    with patch("django.core.signing.time.time", return_value=time.time() + 3601):
        assert client.get("/register/credentials/")["Location"] == "/register/"


def test_the_proof_is_spent_once_the_credentials_are_given(billed_account, client, check_post):
    response = register(client, check_post)

    assert response["Location"] != "/register/"
    assert RegistrationClaim.objects.get().account == billed_account
    assert response.cookies["kabinet_registration"].value == ""
    assert client.get("/register/credentials/")["Location"] == "/register/"
