"""The requests' API with a subscriber's token: list, file with attachments, read, reply."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from kabinet.api.models import ApiToken
from kabinet.api.tokens import api_token_create
from kabinet.requests import services
from kabinet.requests.models import Attachment, Request

from .files import jpeg_with_gps


def _client_for(user, kind=ApiToken.Kind.SUBSCRIBER, providers=()) -> APIClient:
    _token, secret = api_token_create(
        user=user, name="app", kind=kind, providers=list(providers), now=timezone.now()
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_ACCEPT_LANGUAGE="en")
    return client


@pytest.fixture
def api(subscriber):
    return _client_for(subscriber)


def test_a_subscriber_files_a_request_with_a_photo_and_lists_it(api, account):
    photo = SimpleUploadedFile("p.jpg", jpeg_with_gps(), content_type="image/jpeg")

    created = api.post(
        "/api/v1/requests/",
        {"account": account.pk, "kind": "leak", "text": "Water in the cellar", "attachment": photo},
        format="multipart",
    )
    listed = api.get("/api/v1/requests/")

    assert created.status_code == 201, created.content
    body = created.json()
    assert body["number"] and body["status"] == "new"
    assert body["messages"][0]["attachments"][0]["content_type"] == "image/jpeg"
    assert [r["number"] for r in listed.json()["results"]] == [body["number"]]
    assert Attachment.objects.count() == 1


def test_a_reply_through_the_api(api, account, subscriber):
    filed = services.request_create(
        user=subscriber,
        account=account,
        kind="other",
        text="Q",
        uploads=[],
        language="en",
        now=timezone.now(),
    )

    response = api.post(f"/api/v1/requests/{filed.pk}/replies/", {"text": "More"}, format="json")

    assert response.status_code == 201
    assert [m["text"] for m in response.json()["messages"]] == ["Q", "More"]


def test_bad_input_answers_in_the_one_error_shape(api, account, other_account):
    empty = api.post(
        "/api/v1/requests/", {"account": account.pk, "kind": "leak", "text": ""}, format="json"
    )
    foreign = api.post(
        "/api/v1/requests/",
        {"account": other_account.pk, "kind": "leak", "text": "x"},
        format="json",
    )
    exe = api.post(
        "/api/v1/requests/",
        {
            "account": account.pk,
            "kind": "leak",
            "text": "x",
            "attachment": SimpleUploadedFile("a.jpg", b"MZ\x90\x00" + b"\0" * 100),
        },
        format="multipart",
    )

    assert empty.status_code == 400 and empty.json()["code"] == "invalid"
    assert foreign.status_code == 404 and foreign.json()["code"] == "not_found"
    assert exe.status_code == 400
    assert set(exe.json()) == {"code", "message", "details"}
    assert "not a photo" in exe.json()["message"]
    assert not Request.objects.exists()


def test_another_subscribers_request_is_404(account, subscriber, other_subscriber):
    filed = services.request_create(
        user=subscriber,
        account=account,
        kind="other",
        text="Q",
        uploads=[],
        language="en",
        now=timezone.now(),
    )
    stranger = _client_for(other_subscriber)

    assert stranger.get(f"/api/v1/requests/{filed.pk}/").status_code == 404
    reply = stranger.post(f"/api/v1/requests/{filed.pk}/replies/", {"text": "x"}, format="json")
    assert reply.status_code == 404


def test_a_flood_of_new_requests_is_throttled_in_the_error_shape(api, account):
    for n in range(services.HOURLY_LIMIT):
        api.post(
            "/api/v1/requests/",
            {"account": account.pk, "kind": "other", "text": f"n{n}"},
            format="json",
        )

    response = api.post(
        "/api/v1/requests/", {"account": account.pk, "kind": "other", "text": "x"}, format="json"
    )

    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert "within the last hour" in response.json()["message"]


def test_an_operators_token_is_refused(operator, vodokanal):
    integrator = _client_for(operator, kind=ApiToken.Kind.OPERATOR, providers=[vodokanal])

    assert integrator.get("/api/v1/requests/").status_code == 403


def test_the_schema_documents_requests_and_the_public_outages(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()

    assert "/api/v1/requests/" in schema["paths"]
    assert "post" in schema["paths"]["/api/v1/requests/{request_id}/replies/"]
    outages = schema["paths"]["/api/v1/outages/"]["get"]
    assert not any("bearerAuth" in scheme for scheme in outages.get("security", []))
    assert "security" not in schema  # no token required by default
