import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from kabinet.api.models import ApiToken
from kabinet.api.tokens import TokenRefused, api_token_create, token_hash

pytestmark = pytest.mark.django_db


def test_only_a_hash_of_the_token_is_stored(subscriber):
    token, secret = api_token_create(
        user=subscriber, name="home", kind="subscriber", now=timezone.now()
    )

    stored = ApiToken.objects.get(pk=token.pk)
    assert secret.startswith("kab_")
    assert stored.key_hash == token_hash(secret)
    assert secret not in {stored.key_hash, stored.prefix, stored.name}


def test_a_subscriber_makes_a_token_in_the_cabinet_and_sees_it_only_once(client, subscriber):
    client.force_login(subscriber)

    made = client.post("/cabinet/tokens/", {"name": "home automation"})
    later = client.get("/cabinet/tokens/")

    token = ApiToken.objects.get(user=subscriber)
    secret = made.context["secret"]
    assert token.key_hash == token_hash(secret)
    assert secret in made.content.decode()
    assert secret not in later.content.decode()
    assert token.prefix in later.content.decode()
    assert "no-store" in made["Cache-Control"] or "max-age=0" in made["Cache-Control"]


def test_a_revoked_token_is_refused(client, subscriber, account):
    token, secret = api_token_create(
        user=subscriber, name="home", kind="subscriber", now=timezone.now()
    )
    client.force_login(subscriber)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get("/api/v1/accounts/").status_code == 200

    client.post(f"/cabinet/tokens/{token.pk}/revoke/")

    response = api.get("/api/v1/accounts/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_nobody_revokes_another_persons_token(client, subscriber, django_user_model):
    other = django_user_model.objects.create_user(username="petro", password="x")
    token, _ = api_token_create(user=other, name="his", kind="subscriber", now=timezone.now())
    client.force_login(subscriber)

    response = client.post(f"/cabinet/tokens/{token.pk}/revoke/")

    token.refresh_from_db()
    assert response.status_code == 404
    assert token.revoked_at is None


def test_an_operator_token_names_only_providers_the_operator_operates(operator, gas):
    with pytest.raises(TokenRefused):
        api_token_create(
            user=operator, name="x", kind="operator", providers=[gas], now=timezone.now()
        )


def test_an_operator_makes_an_integration_token_in_the_back_office(client, operator, vodokanal):
    client.force_login(operator)

    response = client.post("/backoffice/tokens/", {"name": "1C", "providers": [vodokanal.pk]})

    token = ApiToken.objects.get(user=operator)
    assert response.status_code == 200
    assert token.kind == "operator"
    assert list(token.providers.all()) == [vodokanal]
    assert response.context["secret"].startswith("kab_")


def test_a_token_without_a_name_is_refused(client, subscriber):
    client.force_login(subscriber)

    response = client.post("/cabinet/tokens/", {"name": "  "})

    assert response.status_code == 200
    assert not ApiToken.objects.exists()
    assert response.context["secret"] is None
