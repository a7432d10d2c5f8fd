"""The showcase: the town's first households, fixed data that the demo's subscribers and
docs/demo.md refer to (the generator turns them into accounts in households.py)."""

import datetime as dt
from dataclasses import dataclass

from kabinet.periods import add_months

from .tables import GAS, PROVIDERS, STREETS, TEPLO, VODOKANAL, TownProvider, account_number

MIN_ACCOUNTS = 8  # the showcase households' accounts


@dataclass(frozen=True)
class ShowcaseMeter:
    serial: str
    service: str
    digits: int = 5
    monthly: int = 0  # thousandths of a unit a month
    start_value: int = 0  # thousandths, at the start of the history
    installed: dt.date | None = None  # None: as long ago as start_value took, at `monthly`
    verify_by: dt.date | None = None  # None: installed + the service's interval, renewed
    removed_months_ago: int | None = None
    article_example: bool = False  # readings on the last day, the 1st and the last day


def showcase_installation(meter: ShowcaseMeter, history_start: dt.date) -> tuple[dt.date, int]:
    """When the meter was installed and what it showed then (thousandths).

    Chosen so that the meter ran at its `monthly` rate from the installation to `start_value`
    at the start of the history: the first reading's consumption and the first months of the
    chart then look like every other month (a meter at 412 m³ after six years at 10 m³ a month
    would show its first month at half the rate).
    """
    installed = meter.installed
    if installed is None:
        months_back = meter.start_value // meter.monthly if meter.monthly else 0
        installed = add_months(history_start, -months_back - 1).replace(day=14)
    months_run = (history_start - installed).days * 12 / 365.25
    return installed, max(0, meter.start_value - int(meter.monthly * months_run))


@dataclass(frozen=True)
class ShowcaseAccount:
    provider: TownProvider
    street: int  # index into STREETS
    house: str
    korpus: str
    apartment: str
    surname: str
    name: str
    patronymic: str
    persons: int | None
    opened: dt.date
    meters: tuple[ShowcaseMeter, ...] = ()
    closed_months_ago: int | None = None
    benefit: int | None = None  # index into BENEFITS
    subsidy: int = 0  # kopecks a month
    area: int = 0  # m², for heat


SHOWCASE: tuple[ShowcaseAccount, ...] = (
    # `demo`: water and gas on one address, the article's reading dates on the cold meter.
    ShowcaseAccount(
        VODOKANAL,
        2,
        "12/3",
        "",
        "45",
        "Шевчук",
        "Іван",
        "Петрович",
        3,
        dt.date(2009, 4, 1),
        meters=(
            ShowcaseMeter(
                "В-1402377",
                "cold_water",
                monthly=10_000,
                start_value=412_000,
                article_example=True,
            ),
            ShowcaseMeter("Г-0098812", "hot_water", monthly=4_200, start_value=187_310),
        ),
    ),
    ShowcaseAccount(
        GAS,
        2,
        "12/3",
        "",
        "45",
        "Шевчук",
        "Іван",
        "Петрович",
        3,
        dt.date(2009, 4, 1),
        meters=(ShowcaseMeter("04417739", "gas", monthly=14_500, start_value=3_204_117),),
    ),
    # Not linked: the heat account `demo` can add through "Add an account".
    ShowcaseAccount(
        TEPLO, 2, "12/3", "", "45", "Шевчук", "Іван", "Петрович", 3, dt.date(2009, 4, 1), area=58
    ),
    # `olena`: apostrophe, renamed street, lettered house and apartment, benefit and subsidy,
    # a hot water meter whose verification is overdue.
    ShowcaseAccount(
        VODOKANAL,
        0,
        "101а",
        "",
        "5а",
        "Кондрат'єва",
        "Олена",
        "Миколаївна",
        2,
        dt.date(1998, 1, 1),
        meters=(
            ShowcaseMeter("77-000451", "cold_water", monthly=6_300, start_value=2_871_455),
            ShowcaseMeter(
                "77-000452",
                "hot_water",
                monthly=2_900,
                start_value=1_104_020,
                installed=dt.date(2012, 3, 3),
                verify_by=dt.date(2024, 3, 3),
            ),
        ),
        benefit=0,
        subsidy=18_000,
    ),
    # Free to register: a private house on a renamed street, a 4-digit meter that wraps.
    ShowcaseAccount(
        VODOKANAL,
        1,
        "7",
        "",
        "",
        "О'Браєн",
        "Джеймс",
        "",
        1,
        dt.date(2016, 6, 1),
        meters=(
            ShowcaseMeter("1502211", "cold_water", digits=4, monthly=21_000, start_value=9_870_500),
        ),
    ),
    ShowcaseAccount(
        GAS,
        1,
        "7",
        "",
        "",
        "О'Браєн",
        "Джеймс",
        "",
        1,
        dt.date(2016, 6, 1),
        meters=(
            ShowcaseMeter("10093374", "gas", digits=6, monthly=95_000, start_value=41_870_000),
        ),
    ),
    # Free to register: Russian spelling of the name, a meter replaced during the year.
    ShowcaseAccount(
        VODOKANAL,
        4,
        "25/1",
        "",
        "17",
        "Соловйов",
        "Пётр",
        "",
        4,
        dt.date(2015, 6, 1),
        meters=(
            ShowcaseMeter(
                "0612877",
                "cold_water",
                monthly=13_000,
                start_value=954_200,
                installed=dt.date(2014, 2, 2),
                verify_by=dt.date(2020, 2, 2),
                removed_months_ago=5,
            ),
            ShowcaseMeter("2211907", "cold_water", monthly=13_000),
        ),
    ),
    # A closed account: registration refuses it.
    ShowcaseAccount(
        VODOKANAL,
        2,
        "12/3",
        "",
        "46",
        "Дем'яненко",
        "Галина",
        "Іванівна",
        1,
        dt.date(2003, 9, 1),
        meters=(ShowcaseMeter("В-1311500", "cold_water", monthly=3_100, start_value=301_000),),
        closed_months_ago=3,
    ),
)
assert len(SHOWCASE) == MIN_ACCOUNTS

# Addresses the random buildings must not take: (street index, house).
SHOWCASE_ADDRESSES = {(a.street, a.house.split("/")[0]) for a in SHOWCASE}


def showcase_numbers() -> list[tuple[str, str]]:
    """Return (provider code, account number) of each SHOWCASE account, in order."""
    counts = {provider.code: 0 for provider in PROVIDERS}
    numbers = []
    for spec in SHOWCASE:
        counts[spec.provider.code] += 1
        numbers.append(
            (spec.provider.code, account_number(spec.provider, counts[spec.provider.code]))
        )
    return numbers


def showcase_address(index: int) -> str:
    """Return the address of SHOWCASE[index] as a bill prints it."""
    spec = SHOWCASE[index]
    street_type, name, _old_names = STREETS[spec.street]
    address = f"{street_type} {name}, {spec.house}"
    if spec.korpus:
        address += f", корп. {spec.korpus}"
    if spec.apartment:
        address += f", кв. {spec.apartment}"
    return address
