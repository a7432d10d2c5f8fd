"""The three sample accounts, imported from the exchange files, read the same on /cabinet/."""

import pytest
from django.utils import translation

PROVIDERS_CSV = (
    "provider,name,service,read_from,read_to,cutoff,meter_required\n"
    "vodokanal,КП «Водоканал»,cold_water,1,25,20,0\n"
)
SAMPLE_FILES = ["streets.csv", "accounts.csv", "meters.csv", "readings.csv", "ledger.csv"]


@pytest.fixture
def imported(db, samples_dir, tmp_path):
    importer = pytest.importorskip("kabinet.exchange.importer")
    providers = tmp_path / "providers.csv"
    providers.write_text(PROVIDERS_CSV, encoding="utf-8")
    importer.billing_import(paths=[providers, *(samples_dir / name for name in SAMPLE_FILES)])

    from kabinet.billing.models import Account

    return {account.number: account for account in Account.objects.all()}


@pytest.fixture(autouse=True)
def reset_language():
    yield
    translation.activate("uk")


@pytest.mark.parametrize(
    ("language", "owes", "overpaid", "corrected"),
    [
        ("uk", "75,04 ₴", "9,28 ₴", "2\u00a0282,09 ₴"),
        ("en", "₴75.04", "₴9.28", "₴2,282.09"),
    ],
)
def test_the_imported_samples_balances_show_on_the_cabinet(
    language, owes, overpaid, corrected, imported, signed_in, subscriber, link
):
    for number in ("0012345", "0012346", "0023001"):
        link(subscriber, imported[number])

    html = signed_in.get("/cabinet/", HTTP_ACCEPT_LANGUAGE=language).content.decode()

    assert owes in html
    assert overpaid in html
    assert corrected in html


def test_the_imported_sample_statement_adds_up(imported, signed_in, subscriber, link):
    import re
    from decimal import Decimal

    account = imported["0012345"]
    link(subscriber, account)

    html = signed_in.get(f"/cabinet/accounts/{account.pk}/").content.decode()

    effects = [Decimal(x) for x in re.findall(r'data-effect="([-0-9.]+)"', html)]
    (closing,) = re.findall(r'data-closing="([-0-9.]+)"', html)
    assert sum(effects) == Decimal(closing) == Decimal("75.04")
