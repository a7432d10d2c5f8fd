import datetime as dt

import pytest
from django.utils import translation

from kabinet.billing.selectors import StatementNotFound
from kabinet.billing.statement_pdf import statement_pdf
from kabinet.metering.selectors import account_statement

from .pdf_text import pdf_text

UK = {"HTTP_ACCEPT_LANGUAGE": "uk"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
OCTOBER = dt.date(2026, 10, 1)


@pytest.fixture(autouse=True)
def reset_language():
    yield
    translation.activate("uk")


@pytest.fixture
def readings(owing_account, make_meter):
    from kabinet.metering.models import Reading

    cold = make_meter(owing_account, serial="В-1402377", decimals=3)
    for day, value in ((dt.date(2026, 9, 23), "633.050"), (dt.date(2026, 10, 23), "643.189")):
        Reading.objects.create(meter=cold, reading_date=day, value=value, source="controller")


def test_the_statement_page_shows_the_bill_of_a_month(
    signed_in, subscriber, link, owing_account, readings
):
    link(subscriber, owing_account)

    response = signed_in.get(f"/cabinet/accounts/{owing_account.pk}/statement/2026-10/", **UK)

    html = response.content.decode()
    assert response.status_code == 200
    assert "КП «Водоканал»" in html
    assert "0012345" in html
    assert "Коваленко Олена Петрівна" in html
    assert "просп. Богдана Хмельницького, 12/3, кв. 45" in html
    assert "Жовтень 2026" in html
    assert "75,04 ₴" in html
    assert "643,189" in html
    assert "633,050" not in html  # a September reading belongs to September's statement


def test_a_month_without_bills_has_no_statement(signed_in, subscriber, link, owing_account):
    link(subscriber, owing_account)

    response = signed_in.get(f"/cabinet/accounts/{owing_account.pk}/statement/2030-01/", **EN)

    assert response.status_code == 404
    assert "has sent no charges or payments" in response.content.decode()


@pytest.mark.parametrize("period", ["2026-13", "2026-1", "latest"])
def test_a_malformed_period_is_not_found(period, signed_in, subscriber, link, owing_account):
    link(subscriber, owing_account)

    response = signed_in.get(f"/cabinet/accounts/{owing_account.pk}/statement/{period}/")

    assert response.status_code == 404


def test_someone_elses_statement_is_not_found(signed_in, owing_account, link, django_user_model):
    link(django_user_model.objects.create_user(username="ivan", password="x-pass-1"), owing_account)

    page = signed_in.get(f"/cabinet/accounts/{owing_account.pk}/statement/2026-10/")
    pdf = signed_in.get(f"/cabinet/accounts/{owing_account.pk}/statement/2026-10.pdf")

    assert page.status_code == 404
    assert pdf.status_code == 404


def test_the_statement_downloads_as_a_pdf(signed_in, subscriber, link, owing_account):
    link(subscriber, owing_account)

    response = signed_in.get(f"/cabinet/accounts/{owing_account.pk}/statement/2026-10.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "statement-0012345-2026-10.pdf" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF")


def test_the_pdf_says_who_owes_what_for_which_month(owing_account, readings):
    statement = account_statement(account=owing_account, period=OCTOBER)

    with translation.override("uk"):
        text = pdf_text(statement_pdf(statement=statement, compress=False))

    assert "КП «Водоканал»" in text
    assert "0012345" in text
    assert "Коваленко Олена Петрівна" in text
    assert "просп. Богдана Хмельницького, 12/3, кв. 45" in text
    assert "Жовтень 2026" in text
    assert "Пільга ветерана праці 25%" in text
    assert "-300,00 ₴" in text
    assert "75,04 ₴" in text
    assert "643,189" in text


def test_the_pdf_speaks_english_when_asked(overpaid_account):
    statement = account_statement(account=overpaid_account, period=OCTOBER)

    with translation.override("en"):
        text = pdf_text(statement_pdf(statement=statement, compress=False))

    assert "Overpayment: ₴9.28" in text
    assert "October 2026" in text


def test_a_statement_holds_the_months_lines_and_readings(owing_account, readings):
    statement = account_statement(account=owing_account, period=OCTOBER)

    assert statement.month.opening == statement.month.opening.__class__("215.40")
    assert [line.kind for line in statement.month.lines] == [
        "charge",
        "charge",
        "benefit",
        "subsidy",
        "payment",
    ]
    assert str(statement.month.closing) == "75.04"
    assert [(r.serial, r.reading_date) for r in statement.readings] == [
        ("В-1402377", dt.date(2026, 10, 23))
    ]


def test_a_statement_of_a_month_without_bills_is_refused(owing_account):
    with pytest.raises(StatementNotFound):
        account_statement(account=owing_account, period=dt.date(2026, 11, 1))


def test_a_long_statement_runs_onto_more_pages(owing_account, make_ledger):
    for day in range(1, 61):
        make_ledger(
            owing_account,
            OCTOBER,
            "payment",
            "1.00",
            payment_date=dt.date(2026, 10, 1 + day % 28),
            note="Термінал самообслуговування, дуже довга примітка до оплати " * 2,
            position=100 + day,
        )
    statement = account_statement(account=owing_account, period=OCTOBER)

    with translation.override("uk"):
        data = statement_pdf(statement=statement, compress=False)

    text = pdf_text(data)
    assert data.count(b"/Type /Page\n") >= 2
    assert "15,04 ₴" in text  # 75.04 less sixty payments of 1.00
