"""The whole journey through the real pages: the account page, the form, back with a message."""

import datetime as dt

from django.utils import timezone

from kabinet.metering.models import Reading

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_a_subscriber_submits_a_reading_from_the_account_page(
    signed_in, account, meter, make_reading
):
    make_reading(meter, timezone.localdate() - dt.timedelta(days=30), "600")
    page = signed_in.get(f"/cabinet/accounts/{account.pk}/", **EN).content.decode()
    assert f'action="/cabinet/accounts/{account.pk}/readings/"' in page

    response = signed_in.post(
        f"/cabinet/accounts/{account.pk}/readings/",
        {"meter": meter.serial, "value": "610,5", "date": ""},
        follow=True,
        **EN,
    )

    assert response.redirect_chain == [(f"/cabinet/accounts/{account.pk}/", 302)]
    text = response.content.decode()
    assert "accepted" in text and "10.500" in text
    assert Reading.objects.get(reading_date=timezone.localdate()).value == 610.5
