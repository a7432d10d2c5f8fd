"""Sign-in, sign-out, password reset and change, e-mail change: allauth with Kabinet's rules."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

SITE = "https://kabinet.example.org"
PASSWORD = "зелений чайник співає"


@pytest.fixture(autouse=True)
def public_site(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def subscriber(django_user_model):
    user = django_user_model.objects.create_user("olena.k", "olena@example.com", PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.mark.parametrize("login", ["olena.k", "OLENA.K", "olena@example.com"])
def test_a_subscriber_signs_in_with_the_login_or_the_email(subscriber, client, login):
    response = client.post("/login/", {"login": login, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/cabinet/"
    assert client.session["_auth_user_id"] == str(subscriber.pk)


def test_an_unconfirmed_address_does_not_sign_in(django_user_model, client):
    user = django_user_model.objects.create_user("ivan.p", "ivan@example.com", PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)

    client.post("/login/", {"login": "ivan.p", "password": PASSWORD})

    assert "_auth_user_id" not in client.session
    assert mail.outbox[-1].to == ["ivan@example.com"]


def test_a_wrong_password_is_refused_with_a_message(subscriber, client):
    response = client.post("/login/", {"login": "olena.k", "password": "not it at all"})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_signing_in_starts_a_new_session(subscriber, client):
    client.get("/login/")
    client.cookies["sessionid"] = "attacker-chosen-session"

    client.post("/login/", {"login": "olena.k", "password": PASSWORD})

    assert client.cookies["sessionid"].value != "attacker-chosen-session"


@pytest.mark.parametrize("target", ["https://evil.example.com/", "//evil.example.com/x"])
def test_next_leads_only_to_this_site(subscriber, client, target):
    response = client.post(f"/login/?next={target}", {"login": "olena.k", "password": PASSWORD})

    assert response["Location"] == "/cabinet/"


def test_next_inside_the_site_is_followed(subscriber, client):
    response = client.post(
        "/login/?next=/cabinet/settings/", {"login": "olena.k", "password": PASSWORD}
    )

    assert response["Location"] == "/cabinet/settings/"


def test_sign_out_is_a_post(subscriber, client):
    client.force_login(subscriber)

    client.get("/logout/")
    still_in = "_auth_user_id" in client.session
    client.post("/logout/")

    assert still_in
    assert "_auth_user_id" not in client.session


def test_a_password_reset_mails_a_link_on_the_public_address(subscriber, client):
    response = client.post("/password/reset/", {"email": "olena@example.com"})
    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)

    assert response.status_code == 302
    assert link.startswith(f"{SITE}/password/reset/key/")


def test_the_reset_link_sets_a_new_password(subscriber, client):
    client.post("/password/reset/", {"email": "olena@example.com"})
    path = re.search(r"https?://\S+", mail.outbox[-1].body).group(0).removeprefix(SITE)
    form_page = client.get(path, follow=True)
    new = "синій трамвай їде далі"

    client.post(form_page.request["PATH_INFO"], {"password1": new, "password2": new})

    subscriber.refresh_from_db()
    assert subscriber.check_password(new)


def test_a_reset_for_an_unknown_address_looks_the_same(subscriber, client):
    known = client.post("/password/reset/", {"email": "olena@example.com"})
    unknown = client.post("/password/reset/", {"email": "nobody@example.com"})

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]


def test_a_subscriber_changes_the_password(subscriber, client):
    client.force_login(subscriber)
    new = "синій трамвай їде далі"

    response = client.post(
        "/password/change/", {"oldpassword": PASSWORD, "password1": new, "password2": new}
    )

    subscriber.refresh_from_db()
    assert response.status_code == 302
    assert subscriber.check_password(new)


def test_a_new_email_is_used_only_once_confirmed(subscriber, client):
    client.force_login(subscriber)

    client.post("/email/", {"email": "olena.new@example.com", "action_add": ""})
    message = mail.outbox[-1]
    link = re.search(r"https?://\S+", message.body).group(0)
    subscriber.refresh_from_db()
    before = subscriber.email
    client.post(link.removeprefix(SITE))
    subscriber.refresh_from_db()

    assert message.to == ["olena.new@example.com"]
    assert link.startswith(f"{SITE}/confirm-email/")
    assert before == "olena@example.com"
    assert subscriber.email == "olena.new@example.com"


def test_the_pages_carry_help_for_every_field(db, client):
    page = client.get("/login/").content.decode()

    for name in ["login", "password", "remember"]:
        assert f'aria-controls="id_{name}-help"' in page
        assert f'id="id_{name}-help"' in page
        assert re.search(rf'name="{name}"[^>]*aria-describedby="id_{name}-help"', page)
