"""Requests end to end through the pages: filing, the conversation, the operators' queue."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from kabinet.audit.models import AuditEntry
from kabinet.requests import services
from kabinet.requests.models import Attachment, Message, Request, RequestKind
from kabinet.requests.selectors import provider_kinds

from .files import jpeg_with_gps, png_bomb, png_bytes


def _file(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def _file_new(client, account, *, kind="no_water", text="No water since morning", files=()):
    data = {"account": account.pk, "kind": kind, "text": text}
    if files:
        data["attachment"] = list(files)
    return client.post("/cabinet/requests/new/", data)


def _make(account, user, *, kind="other", text="A question", now=None):
    return services.request_create(
        user=user,
        account=account,
        kind=kind,
        text=text,
        uploads=[],
        language="en",
        now=now or timezone.now(),
    )


# --- filing ---------------------------------------------------------------------------------


def test_a_subscriber_files_a_request_with_a_photo_and_gets_a_number(client, account, subscriber):
    client.force_login(subscriber)

    response = _file_new(client, account, files=[_file(jpeg_with_gps())])

    filed = Request.objects.get(user=subscriber)
    assert response.status_code == 302
    assert response["Location"] == f"/cabinet/requests/{filed.pk}/"
    assert filed.number and filed.number.endswith(f"{filed.pk:06d}")
    assert filed.status == Request.Status.NEW
    assert filed.kind == "no_water"
    assert filed.due_at == filed.created_at + dt.timedelta(hours=8)
    page = client.get(response["Location"])
    assert filed.number in page.content.decode()
    assert "No water since morning" in page.content.decode()
    assert AuditEntry.objects.filter(action="request.filed", target_id=str(filed.pk)).exists()


def test_the_photo_is_re_encoded_without_exif_and_served_only_to_its_owner(
    client, account, subscriber, other_subscriber, other_account
):
    client.force_login(subscriber)
    _file_new(client, account, files=[_file(jpeg_with_gps(), name="IMG_0001.JPG")])
    attachment = Attachment.objects.get()

    response = client.get(f"/cabinet/requests/files/{attachment.pk}/")

    body = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    kept = Image.open(io.BytesIO(body))
    assert kept.format == "JPEG"
    assert not kept.getexif()
    assert b"PhoneMaker" not in body
    assert attachment.name == "IMG_0001.jpg"
    # Not under MEDIA_ROOT, and no URL of its own.
    with pytest.raises(ValueError):
        attachment.file.url  # noqa: B018
    client.force_login(other_subscriber)
    assert client.get(f"/cabinet/requests/files/{attachment.pk}/").status_code == 404
    client.logout()
    assert client.get(f"/cabinet/requests/files/{attachment.pk}/").status_code == 302


def test_a_png_and_a_pdf_are_accepted(client, account, subscriber):
    client.force_login(subscriber)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

    response = _file_new(
        client,
        account,
        kind="dispute",
        files=[_file(png_bytes(), "a.png", "image/png"), _file(pdf, "bill.pdf", "application/pdf")],
    )

    assert response.status_code == 302
    kinds = sorted(Attachment.objects.values_list("content_type", flat=True))
    assert kinds == ["application/pdf", "image/png"]


# --- bad input ------------------------------------------------------------------------------


def test_a_file_over_5_mb_is_refused_and_nothing_is_filed(client, account, subscriber):
    client.force_login(subscriber)
    big = b"\xff\xd8\xff" + b"\0" * (5 * 1024 * 1024)

    response = _file_new(client, account, files=[_file(big)])

    assert response.status_code == 400
    assert "larger than 5 MB" in response.content.decode()
    assert not Request.objects.exists()


def test_a_renamed_executable_with_a_jpg_name_is_refused(client, account, subscriber):
    client.force_login(subscriber)
    elf = b"\x7fELF\x02\x01\x01" + b"\0" * 200

    response = _file_new(client, account, files=[_file(elf, "cat.jpg")])

    assert response.status_code == 400
    assert "is not a photo (JPEG, PNG) or a PDF" in response.content.decode()
    assert not Request.objects.exists()


def test_an_image_bomb_is_refused_without_decoding_it(client, account, subscriber):
    client.force_login(subscriber)

    response = _file_new(client, account, files=[_file(png_bomb(), "bomb.png", "image/png")])

    assert response.status_code == 400
    assert "too large a picture" in response.content.decode()
    assert not Request.objects.exists()


def test_a_damaged_picture_is_refused(client, account, subscriber):
    client.force_login(subscriber)

    response = _file_new(client, account, files=[_file(b"\xff\xd8\xff" + b"junk" * 10)])

    assert response.status_code == 400
    assert "damaged" in response.content.decode()


def test_more_than_three_files_are_refused(client, account, subscriber):
    client.force_login(subscriber)

    response = _file_new(
        client, account, files=[_file(png_bytes(), f"{n}.png", "image/png") for n in range(4)]
    )

    assert response.status_code == 400
    assert "at most 3 files" in response.content.decode()


def test_html_and_script_in_the_text_are_shown_as_text(client, account, subscriber, operator):
    client.force_login(subscriber)
    text = '<script>alert("x")</script><b>bold</b>'
    _file_new(client, account, kind="other", text=text)
    filed = Request.objects.get()

    page = client.get(f"/cabinet/requests/{filed.pk}/").content.decode()
    client.force_login(operator)
    queue_page = client.get(f"/backoffice/requests/{filed.pk}/").content.decode()

    for html in (page, queue_page):
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in html


def test_an_empty_text_is_refused(client, account, subscriber):
    client.force_login(subscriber)

    response = _file_new(client, account, text="   ")

    assert response.status_code == 400
    assert "Write what happened or what you ask." in response.content.decode()
    assert not Request.objects.exists()


def test_an_account_not_linked_to_you_is_404(client, account, subscriber, other_account):
    client.force_login(subscriber)

    response = _file_new(client, other_account)

    assert response.status_code == 404
    assert not Request.objects.exists()


def test_another_subscribers_request_is_404(client, account, subscriber, other_subscriber):
    filed = _make(account, subscriber)
    client.force_login(other_subscriber)

    assert client.get(f"/cabinet/requests/{filed.pk}/").status_code == 404
    reply = client.post(f"/cabinet/requests/{filed.pk}/reply/", {"text": "mine now"})
    assert reply.status_code == 404
    assert client.post(f"/cabinet/requests/{filed.pk}/close/").status_code == 404
    assert filed.messages.count() == 1


def test_an_operator_of_another_provider_gets_404(client, account, subscriber, gas_operator):
    filed = _make(account, subscriber)
    client.force_login(gas_operator)

    assert client.get(f"/backoffice/requests/{filed.pk}/").status_code == 404
    answer = client.post(f"/backoffice/requests/{filed.pk}/answer/", {"text": "hi"})
    assert answer.status_code == 404
    assert filed.number not in client.get("/backoffice/requests/").content.decode()
    filed.refresh_from_db()
    assert filed.status == Request.Status.NEW


def test_a_flood_of_new_requests_is_throttled_with_a_clear_message(client, account, subscriber):
    client.force_login(subscriber)
    for n in range(services.HOURLY_LIMIT):
        assert _file_new(client, account, kind="other", text=f"number {n}").status_code == 302

    response = _file_new(client, account, kind="other", text="one more")

    assert response.status_code == 429
    assert "within the last hour. Please wait a while" in response.content.decode()
    assert Request.objects.filter(user=subscriber).count() == services.HOURLY_LIMIT


def test_an_unknown_or_disabled_kind_is_refused(account, subscriber, vodokanal):
    RequestKind.objects.create(provider=vodokanal, code="dispute", due_hours=240, enabled=False)

    with pytest.raises(services.RequestRejected):
        _make(account, subscriber, kind="dispute")
    with pytest.raises(services.RequestRejected):
        _make(account, subscriber, kind="teleport")


# --- kinds ----------------------------------------------------------------------------------


def test_kinds_are_the_defaults_unless_the_provider_says_otherwise(vodokanal):
    RequestKind.objects.create(provider=vodokanal, code="leak", due_hours=2)
    RequestKind.objects.create(provider=vodokanal, code="sewer", name="Sewer blocked", due_hours=6)

    kinds = {k.code: k for k in provider_kinds(provider=vodokanal)}

    assert set(kinds) == {
        "no_water",
        "leak",
        "meter",
        "dispute",
        "account_data",
        "other",
        "sewer",
    }
    assert kinds["leak"].due_hours == 2
    assert kinds["leak"].name == "Leak or accident"
    assert kinds["sewer"].name == "Sewer blocked"
    assert kinds["dispute"].due_hours == 240


# --- the conversation -----------------------------------------------------------------------


def test_the_operator_answers_and_the_subscriber_reads_it_and_the_mail(
    client, account, subscriber, operator, django_capture_on_commit_callbacks
):
    filed = services.request_create(
        user=subscriber,
        account=account,
        kind="meter",
        text="Please seal my meter",
        uploads=[],
        language="uk",
        now=timezone.now(),
    )
    client.force_login(operator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/backoffice/requests/{filed.pk}/answer/", {"text": "A fitter comes on Monday."}
        )

    assert response.status_code == 302
    filed.refresh_from_db()
    assert filed.status == Request.Status.ANSWERED
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["olena@example.com"]
    assert filed.number in sent.subject
    assert "Відповідь" in sent.subject  # in the language of the request, not the operator's
    assert "A fitter comes on Monday." in sent.body
    assert f"/cabinet/requests/{filed.pk}/" in sent.body
    client.force_login(subscriber)
    page = client.get(f"/cabinet/requests/{filed.pk}/").content.decode()
    assert "A fitter comes on Monday." in page
    assert "Answered" in page


def test_internal_notes_are_never_shown_to_the_subscriber(client, account, subscriber, operator):
    filed = _make(account, subscriber)
    client.force_login(operator)
    client.post(f"/backoffice/requests/{filed.pk}/note/", {"text": "Rude caller, check debt"})

    client.force_login(subscriber)
    page = client.get(f"/cabinet/requests/{filed.pk}/").content.decode()

    assert "Rude caller" not in page
    assert Message.objects.filter(internal=True, request=filed).count() == 1
    assert not mail.outbox


def test_closing_without_an_answer_is_refused(client, account, subscriber, operator):
    filed = _make(account, subscriber)
    client.force_login(operator)

    response = client.post(f"/backoffice/requests/{filed.pk}/close/")

    assert response.status_code == 400
    assert "Answer the subscriber before closing" in response.content.decode()
    filed.refresh_from_db()
    assert filed.status == Request.Status.NEW


def test_a_closed_request_refuses_replies_and_an_answered_one_can_be_closed(
    client, account, subscriber, operator
):
    filed = _make(account, subscriber)
    services.request_answer(
        operator=operator, request=filed, text="Done", uploads=[], now=timezone.now()
    )
    client.force_login(operator)

    assert client.post(f"/backoffice/requests/{filed.pk}/close/").status_code == 302
    client.force_login(subscriber)
    response = client.post(f"/cabinet/requests/{filed.pk}/reply/", {"text": "one more thing"})

    assert response.status_code == 400
    assert "This request is closed" in response.content.decode()
    filed.refresh_from_db()
    assert (filed.status, filed.closed_by) == ("closed", "operator")


def test_the_subscriber_replies_with_a_file_and_closes_their_request(
    client, account, subscriber, operator
):
    filed = _make(account, subscriber)
    services.request_answer(
        operator=operator, request=filed, text="Send a photo", uploads=[], now=timezone.now()
    )
    client.force_login(subscriber)

    client.post(
        f"/cabinet/requests/{filed.pk}/reply/",
        {"text": "Here it is", "attachment": [_file(png_bytes(), "m.png", "image/png")]},
    )
    filed.refresh_from_db()
    status_after_reply = filed.status
    client.post(f"/cabinet/requests/{filed.pk}/close/")

    filed.refresh_from_db()
    assert status_after_reply == Request.Status.IN_PROGRESS
    assert filed.status == Request.Status.CLOSED
    assert filed.closed_by == Request.ClosedBy.SUBSCRIBER
    assert Attachment.objects.filter(message__request=filed).count() == 1


def test_the_list_shows_only_ones_own_requests_with_their_status(
    client, account, subscriber, other_account, other_subscriber, django_assert_max_num_queries
):
    mine = _make(account, subscriber)
    theirs = _make(other_account, other_subscriber)
    client.force_login(subscriber)

    with django_assert_max_num_queries(8):
        page = client.get("/cabinet/requests/").content.decode()

    assert mine.number in page
    assert theirs.number not in page
    assert "New" in page


# --- the operators' queue -------------------------------------------------------------------


def test_the_queue_filters_by_kind_status_overdue_and_assignee(
    client, account, subscriber, operator
):
    now = timezone.now()
    late = _make(account, subscriber, kind="leak", now=now - dt.timedelta(hours=5))
    fresh = _make(account, subscriber, kind="dispute", now=now)
    client.force_login(operator)
    client.post(f"/backoffice/requests/{fresh.pk}/assign/", {"assignee": operator.pk})

    everything = client.get("/backoffice/requests/").content.decode()
    overdue = client.get("/backoffice/requests/?overdue=on").content.decode()
    leaks = client.get("/backoffice/requests/?kind=leak").content.decode()
    mine = client.get("/backoffice/requests/?mine=on").content.decode()
    in_progress = client.get("/backoffice/requests/?status=in_progress").content.decode()

    assert late.number in everything and fresh.number in everything
    assert 'class="overdue"' in everything
    assert late.number in overdue and fresh.number not in overdue
    assert late.number in leaks and fresh.number not in leaks
    assert fresh.number in mine and late.number not in mine
    assert fresh.number in in_progress and late.number not in in_progress
    assert AuditEntry.objects.filter(action="request.assigned").count() == 1


def test_the_queue_takes_a_fixed_number_of_queries(
    client, account, subscriber, operator, django_assert_max_num_queries
):
    for n in range(12):
        _make(account, subscriber, text=f"q {n}", now=timezone.now() - dt.timedelta(hours=n * 2))
    client.force_login(operator)

    with django_assert_max_num_queries(10):
        response = client.get("/backoffice/requests/")

    assert response.status_code == 200


def test_an_answer_template_fills_the_answer(client, account, subscriber, operator, vodokanal):
    from kabinet.requests.models import AnswerTemplate

    template = AnswerTemplate.objects.create(
        provider=vodokanal, title="Fitter", text="A fitter will come within three days."
    )
    filed = _make(account, subscriber)
    client.force_login(operator)

    page = client.get(f"/backoffice/requests/{filed.pk}/?template={template.pk}").content.decode()

    assert "A fitter will come within three days.</textarea>" in page


def test_the_operator_downloads_an_attachment_of_their_provider_only(
    client, account, subscriber, operator, gas_operator
):
    services.request_create(
        user=subscriber,
        account=account,
        kind="other",
        text="see file",
        uploads=[services.Upload(name="x.png", data=png_bytes())],
        language="en",
        now=timezone.now(),
    )
    attachment = Attachment.objects.get()
    client.force_login(operator)

    assert client.get(f"/backoffice/requests/files/{attachment.pk}/").status_code == 200
    client.force_login(gas_operator)
    assert client.get(f"/backoffice/requests/files/{attachment.pk}/").status_code == 404


def test_a_heic_photo_is_kept_as_a_jpeg_without_exif(account, subscriber):
    from .files import heic_with_exif

    services.request_create(
        user=subscriber,
        account=account,
        kind="leak",
        text="Photo from an iPhone",
        uploads=[services.Upload(name="IMG_0042.HEIC", data=heic_with_exif())],
        language="en",
        now=timezone.now(),
    )

    attachment = Attachment.objects.get()
    kept = attachment.file.read()
    assert (attachment.content_type, attachment.name) == ("image/jpeg", "IMG_0042.jpg")
    assert Image.open(io.BytesIO(kept)).format == "JPEG"
    assert b"PhoneMaker" not in kept


def test_a_default_kind_is_named_in_the_readers_language_and_an_own_one_as_typed(
    client, account, subscriber, operator, vodokanal
):
    RequestKind.objects.create(provider=vodokanal, code="sewer", name="Каналізація", due_hours=6)
    leak = _make(account, subscriber, kind="leak")
    sewer = _make(account, subscriber, kind="sewer")
    client.force_login(operator)

    queue = client.get("/backoffice/requests/", HTTP_ACCEPT_LANGUAGE="uk").content.decode()

    assert (leak.kind_name, sewer.kind_name) == ("", "Каналізація")
    assert "Протікання або аварія" in queue
    assert "Каналізація" in queue
