"""The NBU payment QR code (format 003): every element of the payload, the image decoded back
by zbar where Debian's zbar-tools is installed, and where it shows."""

import base64
import shutil
import subprocess
from decimal import Decimal

import pytest

from kabinet.payments import nbu_qr, qr

TRANSFER = nbu_qr.Transfer(
    recipient="КП «Водоканал» міської ради",
    iban="UA213223130000026007233566001",
    recipient_code="03327664",
    amount=Decimal("297.78"),
    purpose="Оплата послуг КП «Водоканал», особовий рахунок 0012345, Коваленко",
    display="КП «Водоканал», 0012345",
)


def test_the_payload_is_the_nbu_address_and_base64url_of_seventeen_lf_separated_elements():
    text = nbu_qr.payload(TRANSFER)

    assert text.startswith("https://qr.bank.gov.ua/")
    encoded = text.removeprefix("https://qr.bank.gov.ua/")
    assert "=" not in encoded and "+" not in encoded and "/" not in encoded
    raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode("utf-8")
    assert raw.split("\n") == [
        "BCD",
        "003",
        "1",
        "UCT",
        "",
        "КП «Водоканал» міської ради",
        "UA213223130000026007233566001",
        "UAH297.78",
        "03327664",
        "",
        "",
        "Оплата послуг КП «Водоканал», особовий рахунок 0012345, Коваленко",
        "КП «Водоканал», 0012345",
        "",
        "",
        "",
        "",
    ]


def test_parse_reads_every_element_back():
    elements = nbu_qr.parse(nbu_qr.payload(TRANSFER))

    assert elements["service_mark"] == "BCD"
    assert elements["format"] == "003"
    assert elements["encoding"] == "1"
    assert elements["function"] == "UCT"
    assert elements["recipient"] == TRANSFER.recipient
    assert elements["iban"] == TRANSFER.iban
    assert elements["amount"] == "UAH297.78"
    assert elements["recipient_code"] == "03327664"
    assert "0012345" in elements["purpose"]
    assert elements["display"] == TRANSFER.display


def test_no_amount_due_leaves_the_amount_for_the_payer():
    elements = nbu_qr.parse(
        nbu_qr.payload(nbu_qr.Transfer(**{**TRANSFER.__dict__, "amount": None}))
    )

    assert elements["amount"] == ""


def test_a_line_break_in_a_name_cannot_shift_the_elements():
    transfer = nbu_qr.Transfer(**{**TRANSFER.__dict__, "recipient": "КП\n«Водоканал»"})

    assert nbu_qr.parse(nbu_qr.payload(transfer))["recipient"] == "КП «Водоканал»"


def test_the_qr_code_is_version_10_to_20_with_error_correction_m():
    code = nbu_qr.qr_code(nbu_qr.payload(TRANSFER))

    assert 10 <= code.version <= 20
    assert code.error == "M"


@pytest.mark.skipif(shutil.which("zbarimg") is None, reason="zbar-tools is not installed")
def test_the_image_decodes_to_the_payload(tmp_path):
    text = nbu_qr.payload(TRANSFER)
    image = tmp_path / "qr.png"
    image.write_bytes(nbu_qr.png(text))

    decoded = (
        subprocess.run(
            ["zbarimg", "--quiet", "--raw", "-Sbinary", str(image)],
            capture_output=True,
            check=True,
        )
        .stdout.decode("utf-8")
        .strip()
    )

    assert decoded == text
    assert nbu_qr.parse(decoded)["iban"] == TRANSFER.iban


def test_the_statement_and_the_pay_page_show_it(signed_in, owing, bank_details, sandbox_on):
    statement = signed_in.get(f"/cabinet/accounts/{owing.pk}/statement/2026-11/")
    pay = signed_in.get(f"/cabinet/accounts/{owing.pk}/pay/")

    for page in (statement, pay):
        text = page.content.decode()
        assert 'class="payment-qr"' in text
        assert "<svg" in text
    expected = qr.account_qr_payload(account=owing, amount=Decimal("297.78"))
    assert nbu_qr.parse(expected)["amount"] == "UAH297.78"
    assert "0012345" in nbu_qr.parse(expected)["purpose"]


def test_the_statement_pdf_carries_the_image(signed_in, owing, bank_details):
    with_qr = signed_in.get(f"/cabinet/accounts/{owing.pk}/statement/2026-11.pdf").content
    bank_details.delete()
    without = signed_in.get(f"/cabinet/accounts/{owing.pk}/statement/2026-11.pdf").content

    assert b"/Subtype /Image" in with_qr
    assert b"/Subtype /Image" not in without


def test_no_bank_details_no_qr_code(signed_in, owing, sandbox_on):
    page = signed_in.get(f"/cabinet/accounts/{owing.pk}/statement/2026-11/").content.decode()

    assert 'class="payment-qr"' not in page
