"""Writing an account's rows: the account, its meters, their readings and its ledger, the
readings' days and the ledger's payments, corrections and amounts drawn as they are written.

Money is kept in kopecks and volumes in thousandths as integers, so that every sum is exact and
the chain of balances holds to the kopeck.
"""

import datetime as dt
import random
from typing import Any

from .history import HISTORY_MONTHS, Month, TownAccount, TownMeter
from .tables import (
    BENEFITS,
    COLD_WATER_NORM,
    CORRECTION_DOWN,
    CORRECTION_UP,
    DISTRIBUTION_NOTE,
    GAS,
    GAS_DISTRIBUTION_TARIFF,
    HEAT_GCAL_PER_M2,
    HEAT_SEASON,
    NORM_NOTE,
    PAYMENT_CHANNELS,
    SOURCES,
    STREET_IDS,
    SUBSIDY_NOTE,
    TARIFF,
    TEPLO,
    VODOKANAL,
)


def _money(kopecks: int) -> str:
    sign = "-" if kopecks < 0 else ""
    kopecks = abs(kopecks)
    return f"{sign}{kopecks // 100}.{kopecks % 100:02d}"


def _milli(value: int) -> str:
    return f"{value // 1000}.{value % 1000:03d}"


class AccountRows:
    """Writes accounts to their utility's files (`writers`), drawing from `rng` as it goes."""

    def __init__(
        self,
        *,
        today: dt.date,
        rng: random.Random,
        months: list[Month],
        writers: dict[str, dict[str, Any]],
    ):
        self.today = today
        self.rng = rng
        self.months = months
        self.writers = writers
        self.street_ids = STREET_IDS

    def write(self, account: TownAccount) -> int:
        """Write the account with its meters, readings and ledger; return the rows written."""
        provider = account.provider
        out = self.writers[provider.code]
        code = provider.code
        number = account.number
        out["accounts"](
            (
                code,
                number,
                self.street_ids[code][account.street],
                account.house,
                account.korpus,
                account.apartment,
                account.surname,
                account.name,
                account.patronymic,
                "" if account.persons is None else account.persons,
                account.opened.isoformat(),
                account.closed.isoformat() if account.closed else "",
            )
        )
        rows = 1
        for meter in account.meters:
            out["meters"](
                (
                    code,
                    number,
                    meter.serial,
                    meter.service,
                    meter.digits,
                    3,
                    meter.installed.isoformat(),
                    meter.verify_by.isoformat(),
                    _milli(meter.initial),
                    meter.removed.isoformat() if meter.removed else "",
                )
            )
            rows += 1 + self.write_readings(out["readings:raw"], code, number, meter)
        return rows + self.write_ledger(out["ledger:raw"], account)

    def write_readings(self, write: Any, code: str, number: str, meter: TownMeter) -> int:
        """Write the meter's readings as raw lines (no cell needs CSV quoting)."""
        prefix = f"{code},{number},{meter.serial},"
        r = self.rng.random
        months = self.months
        today = self.today
        wrap = 10**meter.digits * 1000
        gas = meter.service == "gas"
        cumulative = meter.start_value
        last_written = -1
        rows = 0
        for k, month in enumerate(months):
            consumed = meter.monthly[k]
            days = month.days
            if k < meter.first_month or k > meter.last_month:
                cumulative += consumed
                continue
            # A meter installed in the middle of a month counts from its installation day.
            installed_on = meter.first_day if k == meter.first_month and k else 0
            first = installed_on + 1
            last = min(days, meter.last_day) if k == meter.last_month else days
            if k == HISTORY_MONTHS:
                last = min(last, today.day - 1)  # nothing read today yet
            if meter.article_example:
                # The article's case: read on the 30th/31st, then the 1st, then the last day.
                picks = [days] if k != HISTORY_MONTHS - 1 else [1, days]
                if k == HISTORY_MONTHS:
                    picks = []
            elif last < first or r() > (0.35 if k == HISTORY_MONTHS else 0.88):
                picks = []
            elif gas and r() < 0.8:
                picks = [min(last, max(first, 1 + int(r() * 5)))]
            else:
                picks = [first + int(r() * (last - first + 1))]
            for day in picks:
                value = cumulative + consumed * (day - installed_on) // days
                source = SOURCES[int(r() * len(SOURCES))]
                if meter.article_example:
                    source = "subscriber"
                    value = cumulative + (consumed if day == days else 1_000)
                elif source in ("subscriber", "phone") and r() < 0.5:
                    # People write whole cubic metres when the last one stays below.
                    whole = value - value % 1000
                    if whole > last_written:
                        value = whole
                if value <= last_written:
                    continue
                last_written = value
                write(f"{prefix}{month.iso[day - 1]},{_milli(value % wrap)},{source}\n")
                rows += 1
            cumulative += consumed - consumed * installed_on // days
        return rows

    def write_ledger(self, write: Any, account: TownAccount) -> int:
        """Write the account's ledger as raw lines: every cell is the generator's own text,
        free of commas and quotes, so it needs no CSV quoting (and the writer's cost)."""
        r = self.rng.random
        months = self.months
        rows = 0
        roll = r()
        if account.first_month or roll < 0.55:
            balance = 0
        elif roll < 0.85:
            balance = 5_000 + int(r() * 150_000)
        else:
            balance = -(1_000 + int(r() * 30_000))
        closes = account.closed is not None
        for k in range(account.first_month, account.last_month + 1):
            month = months[k]
            row = f"{account.provider.code},{account.number},{month.period},"
            write(f"{row}balance,,{_money(balance)},,,,\n")
            rows += 1
            closing = balance
            charged = 0
            main_service = ""
            for service, volume, tariff, note in self.charges(account, k):
                amount = (volume * tariff + 500) // 1000
                write(
                    f"{row}charge,{service},{_money(amount)},{_milli(volume)},"
                    f"{tariff // 100}.{tariff % 100:02d},,{note}\n"
                )
                rows += 1
                charged += amount
                main_service = main_service or service
            closing += charged
            relief = 0
            if account.benefit is not None and charged:
                percent, note = BENEFITS[account.benefit]
                relief = charged * percent // 100
                if relief:
                    write(f"{row}benefit,{main_service},{_money(relief)},,,,{note}\n")
                    rows += 1
            if account.subsidy and charged - relief > 0:
                subsidy = min(account.subsidy, charged - relief)
                write(f"{row}subsidy,,{_money(subsidy)},,,,{SUBSIDY_NOTE}\n")
                rows += 1
                relief += subsidy
            closing -= relief
            if charged and r() < 0.03:
                if r() < 0.5:
                    correction = 1_000 + int(r() * 15_000)
                    note = CORRECTION_UP
                else:
                    correction = -(500 + int(r() * min(charged, 15_000)))
                    note = CORRECTION_DOWN[int(r() * len(CORRECTION_DOWN))]
                write(f"{row}correction,{main_service},{_money(correction)},,,,{note}\n")
                rows += 1
                closing += correction
            # A payment settles last month's bill: the balance this period opened with. A
            # closing account settles everything in its last month.
            final = closes and k == account.last_month
            due = closing if final else balance
            if due > 0 and (final or r() < account.payer):
                paid = due
                roll = r()
                if final:
                    paid = due
                elif roll < 0.15:
                    paid = (due // 10_000 + 1) * 10_000  # rounded up to 100 UAH
                elif roll < 0.25:
                    paid = due * (30 + int(r() * 60)) // 100
                parts = 2 if paid > 20_000 and r() < 0.1 else 1
                for part in range(parts):
                    amount = paid // parts if part < parts - 1 else paid - paid // parts * part
                    day = 1 + int(r() * (month.days - 1))
                    channel = PAYMENT_CHANNELS[int(r() * len(PAYMENT_CHANNELS))]
                    write(f"{row}payment,,{_money(amount)},,,{month.iso[day - 1]},{channel}\n")
                    rows += 1
                closing -= paid
            balance = closing
        return rows

    def charges(self, account: TownAccount, k: int) -> list[tuple[str, int, int, str]]:
        """Return (service, volume in thousandths, tariff in kopecks, note) billed in month k."""
        provider = account.provider
        if provider is TEPLO:
            factor = HEAT_SEASON[self.months[k].start.month - 1]
            if not factor:
                return []
            volume = int(account.area * HEAT_GCAL_PER_M2 * factor * 1000)
            return [("heat", volume, TARIFF["heat"], "")]
        if not account.meters and provider is VODOKANAL:
            persons = account.persons or 1
            return [
                (
                    "cold_water",
                    persons * COLD_WATER_NORM,
                    TARIFF["cold_water"],
                    NORM_NOTE.format(persons=persons),
                )
            ]
        volumes: dict[str, int] = {}
        for meter in account.meters:
            volumes[meter.service] = volumes.get(meter.service, 0) + meter.monthly[k]
        result = [(service, volume, TARIFF[service], "") for service, volume in volumes.items()]
        if provider is GAS:
            capacity = 1_500_000 if account.gas_heating else 360_000
            result.append(("gas", capacity // 12, GAS_DISTRIBUTION_TARIFF, DISTRIBUTION_NOTE))
        return result
