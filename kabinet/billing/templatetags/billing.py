"""Filters of the billing pages: money, volumes and addresses as the language writes them."""

import datetime as dt
from decimal import Decimal

from django import template

from kabinet.billing import formatting
from kabinet.billing.models import Account
from kabinet.billing.selectors import Line, StatementReading
from kabinet.periods import format_period, month_name

register = template.Library()


@register.filter
def money(amount: Decimal | None) -> str:
    """`1400` → "1 400,00 ₴" (uk, ru) or "₴1,400.00" (en); empty for None."""
    if amount is None or amount == "":
        return ""
    return formatting.format_money(Decimal(amount))


@register.filter
def quantity(value: Decimal | None) -> str:
    """A volume or a tariff: "10,139", "40,72"; empty for None."""
    if value is None or value == "":
        return ""
    return formatting.format_number(Decimal(value), max_places=4)


@register.filter
def address(account: Account) -> str:
    return formatting.format_address(account)


@register.filter
def holder(account: Account) -> str:
    return formatting.format_holder(account)


@register.filter
def month(period: dt.date) -> str:
    """`2026-10-01` → "Жовтень 2026" / "October 2026", as a heading or a label."""
    return month_name(period)


@register.filter
def month_in_text(period: dt.date) -> str:
    """`2026-10-01` → "жовтень 2026" / "October 2026", inside a sentence."""
    return month_name(period, in_text=True)


@register.filter
def yyyymm(period: dt.date) -> str:
    """`2026-10-01` → "2026-10", the period as the statement's address spells it."""
    return format_period(period)


@register.filter
def line_title(line: Line) -> str:
    return formatting.line_title(line)


@register.filter
def line_details(line: Line) -> str:
    return formatting.line_details(line)


@register.filter
def balance_word(balance: Decimal) -> str:
    return formatting.balance_word(balance)


@register.filter
def reading_service(reading: StatementReading) -> str:
    return formatting.service_label(reading.service)


@register.filter
def reading_value(reading: StatementReading) -> str:
    """The counter's value with the meter's own decimals: "633,050"."""
    return formatting.format_reading(reading.value, decimals=reading.decimals)


@register.filter
def absolute(amount: Decimal | None) -> Decimal | None:
    """A debt or an overpayment is shown as a positive amount beside its word."""
    return None if amount is None or amount == "" else abs(Decimal(amount))
