"""Drawing the town's households: the showcase's, then random ones building by building, each
with its accounts (one per utility), people, meters and money habits.

Every draw comes from the one `random.Random` the row writer (rows.py) shares, in a fixed order,
so that the same seed gives the same town.
"""

import datetime as dt
import random
from collections.abc import Iterator
from typing import Any

from .history import HISTORY_MONTHS, Month, TownAccount, TownMeter
from .showcase import SHOWCASE, SHOWCASE_ADDRESSES, showcase_installation
from .tables import (
    BENEFITS,
    FEMALE_NAMES,
    GAS,
    GAS_COOKING_SEASON,
    GAS_HEATING_SEASON,
    MALE_NAMES,
    PATRONYMICS,
    PRIVATE_SHARE,
    PROVIDERS,
    STREETS,
    SURNAMES,
    TEPLO,
    VERIFY_YEARS,
    VODOKANAL,
    TownProvider,
    account_number,
)


class Households:
    """The town's households in order, drawn from `rng` as they are asked for."""

    def __init__(self, *, today: dt.date, rng: random.Random, months: list[Month]):
        self.today = today
        self.rng = rng
        self.months = months
        self.numbers = {p.code: 0 for p in PROVIDERS}
        self.serial_counter = 0

    # -- numbers ---------------------------------------------------------------------------

    def next_number(self, provider: TownProvider) -> str:
        """Return `provider`'s next account number."""
        self.numbers[provider.code] += 1
        return account_number(provider, self.numbers[provider.code])

    # -- addresses -------------------------------------------------------------------------

    def addresses(self) -> Iterator[tuple[int, str, str, str, bool]]:
        """Yield (street, house, korpus, apartment, is_block) forever, building by building."""
        r = self.rng.random
        building = 0
        streets = len(STREETS)
        while True:
            street = building % streets
            number = building // streets + 1
            building += 1
            if (street, str(number)) in SHOWCASE_ADDRESSES:
                continue
            house = str(number)
            korpus = ""
            roll = r()
            if roll < 0.06:
                house += "аб"[int(r() * 2)]
            elif roll < 0.07:
                house += "-Б"
            street_type = STREETS[street][0]
            if r() < PRIVATE_SHARE.get(street_type, 0.05):
                yield street, house, korpus, "", False
                continue
            if r() < 0.1:
                korpus = str(1 + int(r() * 3))
            flats = (9, 18, 36, 45, 60, 72, 80, 108, 144)[int(r() * 9)]
            for flat in range(1, flats + 1):
                apartment = str(flat)
                if r() < 0.01:
                    apartment += "а"
                yield street, house, korpus, apartment, True

    def person(self) -> tuple[str, str, str]:
        r = self.rng.random
        female = r() < 0.55
        surname = SURNAMES[int(r() * len(SURNAMES))][1 if female else 0]
        names = FEMALE_NAMES if female else MALE_NAMES
        roll = r()
        name = "" if roll < 0.04 else names[int(r() * len(names))]
        patronymic = (
            "" if roll < 0.15 else PATRONYMICS[int(r() * len(PATRONYMICS))][1 if female else 0]
        )
        return surname, name, patronymic

    # -- households ------------------------------------------------------------------------

    def random_households(self) -> Iterator[list[TownAccount]]:
        r = self.rng.random
        months = self.months
        for street, house, korpus, apartment, is_block in self.addresses():
            surname, name, patronymic = self.person()
            persons: int | None = 1 + int(r() * (4 if is_block else 6))
            if r() < 0.05:
                persons = None
            roll = r()
            closed_month = opened_month = None
            if roll < 0.015:
                closed_month = 2 + int(r() * 8)
            elif roll < 0.045:
                opened_month = 1 + int(r() * 10)
            if opened_month is not None:
                start = months[opened_month].start
                opened = start + dt.timedelta(days=int(r() * 20))
            else:
                opened = dt.date(1985 + int(r() * 36), 1 + int(r() * 12), 1 + int(r() * 28))
            base = {
                "street": street,
                "house": house,
                "korpus": korpus,
                "apartment": apartment,
                "surname": surname,
                "name": name,
                "patronymic": patronymic,
                "persons": persons,
                "opened": opened,
            }
            household = [self.water_account(base, is_block=is_block)]
            if r() < (0.8 if not is_block else 0.3):
                household.append(self.gas_account(base, heating=not is_block))
            if is_block and r() < 0.45:
                household.append(self.heat_account(base))
            for account in household:
                if opened_month is not None:
                    self.open_in_history(account, opened_month, opened.day)
                if closed_month is not None:
                    self.close_in_history(account, closed_month)
                self.draw_money_habits(account)
            yield household

    def draw_money_habits(self, account: TownAccount) -> None:
        r = self.rng.random
        if account.benefit is None and r() < 0.08:
            account.benefit = int(r() * len(BENEFITS))
        if not account.subsidy and r() < 0.1:
            account.subsidy = 5_000 + int(r() * 60) * 500
        account.payer = (0.97, 0.97, 0.85, 0.6, 0.2)[int(r() * 5)]

    def water_account(self, base: dict[str, Any], *, is_block: bool) -> TownAccount:
        r = self.rng.random
        account = TownAccount(provider=VODOKANAL, number=self.next_number(VODOKANAL), **base)
        if r() < 0.03:
            return account  # no meter: billed by the norm
        persons = account.persons or 2
        account.meters.append(self.meter("cold_water", persons * (60 + int(r() * 80))))
        if is_block and r() < 0.15:
            account.meters.append(self.meter("cold_water", persons * (20 + int(r() * 30))))
        if is_block and r() < 0.6:
            account.meters.append(self.meter("hot_water", persons * (30 + int(r() * 40))))
        return account

    def gas_account(self, base: dict[str, Any], *, heating: bool) -> TownAccount:
        r = self.rng.random
        account = TownAccount(provider=GAS, number=self.next_number(GAS), **base)
        if r() < 0.25:
            # The gas company's old system kept names in Russian.
            account.name = {"Іван": "Иван", "Петро": "Пётр", "Олена": "Елена"}.get(
                account.name, account.name
            )
        account.gas_heating = heating
        daily = 600 + int(r() * 900) if heating else 200 + int(r() * 400)
        account.meters.append(self.meter("gas", daily, season=heating))
        return account

    def heat_account(self, base: dict[str, Any]) -> TownAccount:
        account = TownAccount(provider=TEPLO, number=self.next_number(TEPLO), **base)
        account.area = 32 + int(self.rng.random() * 70)
        return account

    def meter(self, service: str, daily: int, *, season: bool = False) -> TownMeter:
        """Draw a meter consuming `daily` thousandths a day (by the season for gas heating)."""
        r = self.rng.random
        today = self.today
        factors = (
            (GAS_HEATING_SEASON if season else GAS_COOKING_SEASON)
            if service == "gas"
            else (1.0,) * 12
        )
        monthly = [int(daily * m.days * factors[m.start.month - 1]) for m in self.months]
        roll = r()
        digits = 4 if roll < 0.1 else (6 if roll < 0.25 else 5)
        years_ago = 1 + int(r() * 11)
        installed = dt.date(today.year - years_ago, 1 + int(r() * 12), 1 + int(r() * 28))
        interval = VERIFY_YEARS[service]
        verify_by = installed.replace(year=installed.year + interval)
        if verify_by < today and r() < 0.85:
            while verify_by < today:
                verify_by = verify_by.replace(year=verify_by.year + interval)
        initial = 0 if r() < 0.8 else int(r() * 50) * 500
        history = initial + daily * 365 * years_ago
        if service == "gas" and season:
            history *= 2
        self.serial_counter += 1
        prefix = {"cold_water": "В-", "hot_water": "Г-", "gas": ""}[service]
        serial = f"{prefix}{(self.serial_counter * 7919) % 10_000_000:07d}"
        if service == "gas":
            serial = f"{10_000_000 + (self.serial_counter * 104_729) % 90_000_000}"
        return TownMeter(
            serial=serial,
            service=service,
            digits=digits,
            installed=installed,
            verify_by=verify_by,
            initial=initial,
            start_value=history,
            monthly=monthly,
        )

    def open_in_history(self, account: TownAccount, month: int, day: int) -> None:
        account.first_month = month
        for meter in account.meters:
            meter.installed = self.months[month].start.replace(day=day)
            meter.verify_by = meter.installed.replace(
                year=meter.installed.year + VERIFY_YEARS[meter.service]
            )
            meter.initial = 0
            meter.start_value = 0
            meter.first_month = month
            meter.first_day = day
            for k in range(month):
                meter.monthly[k] = 0

    def close_in_history(self, account: TownAccount, month: int) -> None:
        start = self.months[month].start
        account.closed = start.replace(day=1 + int(self.rng.random() * 25))
        account.last_month = month
        for meter in account.meters:
            meter.last_month = month
            meter.last_day = account.closed.day

    def showcase_households(self) -> Iterator[list[TownAccount]]:
        months = self.months
        for spec in SHOWCASE:
            account = TownAccount(
                provider=spec.provider,
                number=self.next_number(spec.provider),
                street=spec.street,
                house=spec.house.split("/")[0],
                korpus=spec.house.split("/")[1] if "/" in spec.house else spec.korpus,
                apartment=spec.apartment,
                surname=spec.surname,
                name=spec.name,
                patronymic=spec.patronymic,
                persons=spec.persons,
                opened=spec.opened,
                benefit=spec.benefit,
                subsidy=spec.subsidy,
                area=spec.area,
                payer=0.97,
            )
            replaced_at: dt.date | None = None
            for meter_spec in spec.meters:
                installed, initial = showcase_installation(meter_spec, months[0].start)
                verify_by = meter_spec.verify_by or installed.replace(year=self.today.year + 2)
                meter = TownMeter(
                    serial=meter_spec.serial,
                    service=meter_spec.service,
                    digits=meter_spec.digits,
                    installed=installed,
                    verify_by=verify_by,
                    initial=initial,
                    start_value=meter_spec.start_value,
                    monthly=[meter_spec.monthly * m.days // 30 for m in months],
                    article_example=meter_spec.article_example,
                    # The demo's subscribers submit this month's readings themselves.
                    last_month=HISTORY_MONTHS - 1,
                )
                if meter_spec.article_example:
                    meter.monthly = [meter_spec.monthly for _ in months]
                if meter_spec.removed_months_ago is not None:
                    index = HISTORY_MONTHS - meter_spec.removed_months_ago
                    replaced_at = months[index].start.replace(day=11)
                    meter.removed = replaced_at
                    meter.last_month = index
                    meter.last_day = 10
                elif replaced_at is not None:
                    # The successor: installed the day its predecessor was removed, from zero.
                    index = HISTORY_MONTHS - (spec.meters[0].removed_months_ago or 0)
                    self.open_meter_at(meter, index, replaced_at)
                account.meters.append(meter)
            if spec.closed_months_ago is not None:
                self.close_in_history(account, HISTORY_MONTHS - spec.closed_months_ago)
            yield [account]

    def open_meter_at(self, meter: TownMeter, month: int, day: dt.date) -> None:
        meter.installed = day
        meter.verify_by = day.replace(year=day.year + VERIFY_YEARS[meter.service])
        meter.initial = 0
        meter.start_value = 0
        meter.first_month = month
        meter.first_day = day.day
        for k in range(month):
            meter.monthly[k] = 0
        # Only the days after installation count in the installation month.
        days = self.months[month].days
        meter.monthly[month] = meter.monthly[month] * (days - day.day + 1) // days
