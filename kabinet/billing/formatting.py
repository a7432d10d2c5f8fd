"""How money, volumes and addresses read in each of the portal's languages.

Shared by the templates (the `money` filter and friends) and the PDF statement, so a hryvnia
reads the same on the screen and on paper. Django's own number formatting depends on
settings (`USE_THOUSAND_SEPARATOR`) and on locale files that differ between languages in small
ways; the bill's conventions are fixed here instead.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import date_format
from django.utils.translation import get_language, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext as _

from kabinet.providers.service_kinds import service_unit

from .models import Account
from .selectors import Line

CENT = Decimal("0.01")
# A no-break space keeps "1 400,00" on one line; Ukrainian and Russian group thousands with it.
NBSP = "\u00a0"
HRYVNIA = "₴"


def _language(language: str | None) -> str:
    return (language or get_language() or "uk")[:2]


def _group(digits: str, separator: str) -> str:
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return separator.join(parts)


def format_number(
    value: Decimal, *, min_places: int = 0, max_places: int = 3, language: str | None = None
) -> str:
    """Return `value` with the language's decimal mark, trailing zeros trimmed to `min_places`.

    `10.139` reads "10,139" in Ukrainian and "10.139" in English; `13.000` reads "13".
    """
    lang = _language(language)
    quantized = Decimal(value).quantize(Decimal(1).scaleb(-max_places), ROUND_HALF_UP)
    sign = "-" if quantized < 0 else ""
    text = f"{abs(quantized):.{max_places}f}"
    units, _dot, fraction = text.partition(".")
    fraction = fraction.rstrip("0")
    fraction = fraction.ljust(min_places, "0")
    if lang == "en":
        grouped, mark = _group(units, ","), "."
    else:
        grouped, mark = _group(units, NBSP), ","
    return f"{sign}{grouped}{mark}{fraction}" if fraction else f"{sign}{grouped}"


def format_money(amount: Decimal, *, language: str | None = None) -> str:
    """Return `amount` in hryvnias as the language writes it.

    Ukrainian and Russian: "1 400,00 ₴" (no-break space between thousands); English:
    "₴1,400.00". A negative amount starts with a minus: "-9,28 ₴", "-₴9.28".
    """
    lang = _language(language)
    quantized = Decimal(amount).quantize(CENT, ROUND_HALF_UP)
    sign = "-" if quantized < 0 else ""
    number = format_number(abs(quantized), min_places=2, max_places=2, language=lang)
    if lang == "en":
        return f"{sign}{HRYVNIA}{number}"
    return f"{sign}{number} {HRYVNIA}"


def format_house(account: Account) -> str:
    """Return the house number as printed on the bill: "12/3" for house 12, korpus 3."""
    return f"{account.house}/{account.korpus}" if account.korpus else account.house


def format_address(account: Account) -> str:
    """Return the account's address: street type and name, house/korpus, apartment.

    "просп. Богдана Хмельницького, 12/3, кв. 45". Needs `account.street` (select it along).
    """
    street = account.street
    parts = [f"{street.type} {street.name}".strip(), format_house(account)]
    if account.apartment:
        parts.append(_("apt. %(apartment)s") % {"apartment": account.apartment})
    return ", ".join(parts)


def format_holder(account: Account) -> str:
    """Return the account holder's full name, surname first as on the bill."""
    return " ".join(part for part in (account.surname, account.name, account.patronymic) if part)


# Lazy: each line translates only its own title, in the language active when it is shown.
LINE_TITLES = {
    "charge": gettext_lazy("Charge"),
    "benefit": gettext_lazy("Benefit"),
    "subsidy": gettext_lazy("Subsidy"),
    "correction": gettext_lazy("Correction"),
    "payment": gettext_lazy("Payment"),
    "balance": gettext_lazy("Opening balance"),
}


def line_title(line: Line) -> str:
    """What a ledger line is: "Charge: Cold water", "Benefit", "Payment"..."""
    title = str(LINE_TITLES.get(line.kind, line.kind))
    if line.service and line.kind in ("charge", "correction", "benefit"):
        title = f"{title}: {service_label(line.service)}"
    return title


# The services as the ledger names them after "Charge:" (lower case, mid-sentence).
SERVICE_NAMES = {
    "cold_water": pgettext_lazy("ledger service", "cold water"),
    "hot_water": pgettext_lazy("ledger service", "hot water"),
    "gas": pgettext_lazy("ledger service", "gas"),
    "electricity": pgettext_lazy("ledger service", "electricity"),
    "heat": pgettext_lazy("ledger service", "heating"),
}


def service_label(service: str) -> str:
    """The service's name in lower case ("cold water"); an unknown code as it is."""
    name = SERVICE_NAMES.get(service)
    return str(name) if name is not None else service


def line_details(line: Line, *, language: str | None = None) -> str:
    """How a line came about: "10,139 m³ × ₴40.72" for a charge, the date and channel of a
    payment, the billing system's note for the rest."""
    parts: list[str] = []
    if line.volume is not None and line.kind in ("charge", "correction"):
        volume = format_number(line.volume, language=language)
        unit = service_unit(line.service)
        if line.tariff is not None:
            tariff = format_money_rate(line.tariff, language=language)
            parts.append(f"{volume} {unit} × {tariff}")
        else:
            parts.append(f"{volume} {unit}")
    if line.payment_date is not None:
        parts.append(date_format(line.payment_date, "SHORT_DATE_FORMAT"))
    if line.note:
        parts.append(line.note)
    return ", ".join(parts)


def format_money_rate(tariff: Decimal, *, language: str | None = None) -> str:
    """A tariff in hryvnias, with up to four decimals: "40,72 ₴", "7,9565 ₴"."""
    lang = _language(language)
    number = format_number(tariff, min_places=2, max_places=4, language=lang)
    return f"{HRYVNIA}{number}" if lang == "en" else f"{number} {HRYVNIA}"


def balance_word(balance: Decimal) -> str:
    """ "debt", "overpayment" or "settled", translated, for a closing balance."""
    if balance > 0:
        return _("debt")
    if balance < 0:
        return _("overpayment")
    return _("settled")


def format_reading(value: Decimal, *, decimals: int, language: str | None = None) -> str:
    """A meter's value with the meter's own number of decimals: "633,050"."""
    return format_number(value, min_places=decimals, max_places=decimals, language=language)
