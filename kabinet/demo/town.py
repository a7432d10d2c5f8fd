"""A synthetic town in the billing exchange format: the demo's data and the benchmarks' input.

`town_write` writes providers, streets, accounts, meters, readings and ledger files the way
three utilities of one town would export them (`exchange-format.md`). It is deterministic (one
`random.Random(seed)`, the date is given, never read) and streams: each household is generated,
written row by row and forgotten, so a million accounts take as little memory as a thousand.

The first households are the showcase (fixed data the demo's subscribers and docs/demo.md refer
to); the rest are drawn at random with the shapes real billing data has: renamed streets,
fractional and lettered houses, private houses, apostrophes and Russian spellings in names,
closed accounts, meters with overdue verification or a counter that wraps, readings on irregular
days from mixed sources, and a ledger whose every period opens at the previous period's close.

Money is kept in kopecks and volumes in thousandths as integers, so that every sum is exact and
the chain of balances holds to the kopeck.
"""

import csv
import datetime as dt
import itertools
import random
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kabinet.periods import add_months, period_start

HISTORY_MONTHS = 12
MIN_ACCOUNTS = 8  # the showcase households' accounts

FILE_KINDS = ("providers", "streets", "accounts", "meters", "readings", "ledger")

HEADERS = {
    "providers": (
        "provider",
        "name",
        "service",
        "read_from",
        "read_to",
        "cutoff",
        "meter_required",
    ),
    "streets": ("provider", "street_id", "type", "name", "old_names"),
    "accounts": (
        "provider",
        "account",
        "street_id",
        "house",
        "korpus",
        "apartment",
        "surname",
        "name",
        "patronymic",
        "persons",
        "opened",
        "closed",
    ),
    "meters": (
        "provider",
        "account",
        "meter",
        "service",
        "digits",
        "decimals",
        "installed",
        "verify_by",
        "initial",
        "removed",
    ),
    "readings": ("provider", "account", "meter", "date", "value", "source"),
    "ledger": (
        "provider",
        "account",
        "period",
        "kind",
        "service",
        "amount",
        "volume",
        "tariff",
        "date",
        "note",
    ),
}


class TownTooSmall(ValueError):
    """Fewer accounts were asked for than the showcase households need."""


@dataclass(frozen=True)
class TownProvider:
    code: str
    name: str
    service: str
    read_from: int
    read_to: int
    cutoff: int | None
    meter_required: bool
    # A legacy billing system still exports Windows-1251; the importer detects it.
    encoding: str = "utf-8"


VODOKANAL = TownProvider("vodokanal", "КП «Міськводоканал»", "cold_water", 1, 31, 25, False)
GAS = TownProvider("gas", "АТ «Міськгаз»", "gas", 1, 5, None, True, encoding="cp1251")
TEPLO = TownProvider("teplo", "КП «Теплоенерго»", "heat", 1, 31, None, False)
PROVIDERS = (VODOKANAL, GAS, TEPLO)

# Largest plausible gas consumption a day (m³): a private house heated by gas in a frost.
GAS_DAILY_MAX = "25.000"

# (type, current name, former names newest first). The first five are the showcase's streets.
STREETS: tuple[tuple[str, str, str], ...] = (
    ("просп.", "Богдана Хмельницького", "Леніна|Ленина"),
    ("вул.", "Героїв України", "Дзержинського"),
    ("вул.", "Шевченка", ""),
    ("вул.", "Ломоносова", ""),
    ("вул.", "Соборна", "Карла Маркса"),
    ("бульв.", "Незалежності", "Комсомольський|Комсомольский"),
    ("вул.", "Європейська", "Радянська|Советская"),
    ("вул.", "Гетьмана Мазепи", "Жовтневої революції|Октябрьской революции"),
    ("вул.", "Володимира Великого", "Кірова|Кирова"),
    ("вул.", "Січових Стрільців", "Артема"),
    ("пл.", "Свободи", "Жовтнева|Октябрьская"),
    ("вул.", "Пилипа Орлика", "Фрунзе"),
    ("вул.", "Князя Ольгерда", "Чапаєва|Чапаева"),
    ("вул.", "Захисників України", "Щорса"),
    ("вул.", "Героїв Небесної Сотні", "Свердлова"),
    ("вул.", "Василя Стуса", "Павлика Морозова"),
    ("вул.", "Андрея Шептицького", "Калініна|Калинина"),
    ("пров.", "Козацький", "Піонерський|Пионерский"),
    ("просп.", "Миру", ""),
    ("вул.", "Лесі Українки", ""),
    ("вул.", "Івана Франка", ""),
    ("вул.", "Михайла Грушевського", ""),
    ("вул.", "Садова", ""),
    ("вул.", "Зелена", ""),
    ("вул.", "Центральна", ""),
    ("вул.", "Шкільна", ""),
    ("вул.", "Польова", ""),
    ("вул.", "Лісова", ""),
    ("вул.", "Молодіжна", ""),
    ("вул.", "Набережна", ""),
    ("вул.", "Паркова", ""),
    ("вул.", "Степана Бандери", "Суворова"),
    ("вул.", "В'ячеслава Чорновола", "Гагаріна|Гагарина"),
    ("вул.", "Ліни Костенко", "Пушкіна|Пушкина"),
    ("вул.", "Григорія Сковороди", ""),
    ("вул.", "Михайла Коцюбинського", ""),
    ("вул.", "Весняна", ""),
    ("вул.", "Сонячна", ""),
    ("вул.", "Вокзальна", ""),
    ("вул.", "Заводська", ""),
    ("вул.", "Залізнична", ""),
    ("вул.", "Київська", ""),
    ("вул.", "Львівська", ""),
    ("вул.", "Одеська", ""),
    ("вул.", "Харківська", ""),
    ("вул.", "Полтавська", ""),
    ("бульв.", "Тараса Шевченка", "Дружби народів|Дружбы народов"),
    ("бульв.", "Івана Богуна", ""),
    ("пл.", "Ринок", ""),
    ("пл.", "Театральна", ""),
    ("пров.", "Садовий", ""),
    ("пров.", "Тихий", ""),
    ("пров.", "Вишневий", ""),
    ("пров.", "Сонячний", ""),
    ("пров.", "Ясний", "Колгоспний|Колхозный"),
    ("пров.", "Джерельний", ""),
    ("пров.", "Лук'янівський", ""),
    ("туп.", "Яблуневий", ""),
    ("шосе", "Київське", ""),
    ("вул.", "Вишнева", ""),
    ("вул.", "Квітнева", ""),
    ("вул.", "Затишна", ""),
    ("вул.", "Козацька", ""),
    ("вул.", "Тараса Бульби", ""),
    ("вул.", "Богдана Лепкого", "Островського|Островского"),
    ("вул.", "Олени Теліги", "Крупської|Крупской"),
    ("вул.", "Кирила Осьмака", ""),
    ("вул.", "Івана Мазепи", ""),
    ("вул.", "Митрополита Липківського", "Урицького|Урицкого"),
    ("вул.", "Героїв Крут", "Войкова"),
)

# Share of buildings that are private houses, by street type.
PRIVATE_SHARE = {"пров.": 0.9, "туп.": 0.9, "вул.": 0.35, "шосе": 0.6}


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# (masculine, feminine); apostrophes and Russian spellings as billing systems hold them.
SURNAMES: tuple[tuple[str, str], ...] = tuple(
    (word.split("/")[0], word.split("/")[-1])
    for word in _words(
        "Коваленко Шевченко Бондаренко Ткаченко Кравченко Шевчук Поліщук Мельник Бойко Ковальчук "
        "Савченко Руденко Марченко Лисенко Петренко Мороз Павленко Гончаренко Литвиненко "
        "Дем'яненко Кондрат'єв/Кондрат'єва Соловйов/Соловйова Соловьёв/Соловьёва Захарченко "
        "Олійник Кравчук Клименко Шаповал Гриценко Левченко Карпенко Панченко Яковенко Костенко "
        "Гуменюк Романюк Вовк Ковальов/Ковальова Білоус Зінченко Хоменко Сидоренко Приходько "
        "Гаврилюк Юрченко Тарасенко Мартинюк Лук'яненко Григор'єв/Григор'єва П'ятак Ярошенко "
        "Кузьменко Федоренко Іванов/Іванова Кузнєцов/Кузнєцова Смирнов/Смирнова "
        "Пономарьов/Пономарьова Ковальський/Ковальська Вишневський/Вишневська Заїка Коломієць "
        "Гнатів Матв'єнко Василь'єв/Василь'єва "
    )
)

MALE_NAMES = _words(
    "Олександр Сергій Іван Микола Володимир Андрій Петро Дмитро Юрій Василь Віктор Михайло "
    "Олег Анатолій Богдан Тарас Ярослав Ігор Роман Степан Пётр Алексей Николай "
)
FEMALE_NAMES = _words(
    "Олена Наталія Тетяна Ірина Світлана Оксана Людмила Галина Валентина Марія Ольга Юлія "
    "Надія Лариса Ганна Катерина Зоряна Христина Наталья Елена Татьяна "
)
# Patronymics (masculine, feminine) by the father's name.
PATRONYMICS: tuple[tuple[str, str], ...] = tuple(
    (word.split("/")[0], word.split("/")[-1])
    for word in _words(
        "Олександрович/Олександрівна Сергійович/Сергіївна Іванович/Іванівна "
        "Миколайович/Миколаївна Володимирович/Володимирівна Андрійович/Андріївна "
        "Петрович/Петрівна Дмитрович/Дмитрівна Юрійович/Юріївна Васильович/Василівна "
        "Вікторович/Вікторівна Михайлович/Михайлівна Олегович/Олегівна Анатолійович/Анатоліївна "
        "Богданович/Богданівна Степанович/Степанівна Григорович/Григорівна Петрович/Петровна "
    )
)

# Tariffs in kopecks per unit (m³, Gcal).
TARIFF = {"cold_water": 4072, "hot_water": 10388, "gas": 796, "heat": 165441}
GAS_DISTRIBUTION_TARIFF = 131  # kopecks per m³ of the yearly allotted capacity, billed monthly
COLD_WATER_NORM = 2400  # thousandths of a m³ per person a month, for accounts without a meter

# Monthly factors (January first).
GAS_HEATING_SEASON = (5.0, 4.5, 3.4, 2.0, 0.8, 0.5, 0.4, 0.4, 0.6, 1.8, 3.2, 4.5)
GAS_COOKING_SEASON = (1.1, 1.1, 1.0, 1.0, 0.9, 0.9, 0.8, 0.8, 0.9, 1.0, 1.0, 1.2)
HEAT_SEASON = (1.3, 1.2, 0.9, 0.4, 0, 0, 0, 0, 0, 0.5, 0.9, 1.2)
HEAT_GCAL_PER_M2 = 0.0272

VERIFY_YEARS = {"cold_water": 6, "hot_water": 4, "gas": 10}

SOURCES = ("subscriber",) * 11 + ("controller",) * 3 + ("phone",) * 3 + ("estimate",) * 3

PAYMENT_CHANNELS = ("Приватбанк", "Приватбанк", "Ощадбанк", "monobank", "monobank", "каса")

BENEFITS = (
    (25, "Пільга ветерана праці 25%"),
    (50, "Пільга особи з інвалідністю II групи 50%"),
    (75, "Пільга учасника бойових дій 75%"),
    (25, "Пільга дитини війни 25%"),
    (100, "Пільга ветерана війни 100%"),
)
SUBSIDY_NOTE = "Субсидія на оплату житлово-комунальних послуг"
CORRECTION_UP = "Перерахунок: донарахування за показаннями контролера"
CORRECTION_DOWN = (
    "Перерахунок за період тимчасової відсутності",
    "Перерахунок за неякісну послугу",
    "Перерахунок за показаннями лічильника",
)
NORM_NOTE = "Нараховано за нормою споживання: {persons} ос."
DISTRIBUTION_NOTE = "Розподіл природного газу"


# --- the showcase: fixed households that the demo's subscribers and docs refer to ----------


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


def _showcase_installation(meter: ShowcaseMeter, history_start: dt.date) -> tuple[dt.date, int]:
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


# --- calendar -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Month:
    start: dt.date
    days: int
    period: str  # YYYY-MM
    iso: tuple[str, ...]  # "YYYY-MM-DD" of each day, index 0 = the 1st


def _months(today: dt.date) -> list[Month]:
    """Return the history's months: twelve billed ones, then the current one."""
    months = []
    current = period_start(today)
    for offset in range(-HISTORY_MONTHS, 1):
        start = add_months(current, offset)
        days = (add_months(start, 1) - start).days
        iso = tuple(f"{start.year:04d}-{start.month:02d}-{day:02d}" for day in range(1, days + 1))
        months.append(Month(start, days, iso[0][:7], iso))
    return months


def _money(kopecks: int) -> str:
    sign = "-" if kopecks < 0 else ""
    kopecks = abs(kopecks)
    return f"{sign}{kopecks // 100}.{kopecks % 100:02d}"


def _milli(value: int) -> str:
    return f"{value // 1000}.{value % 1000:03d}"


def _tariff(kopecks: int) -> str:
    return f"{kopecks // 100}.{kopecks % 100:02d}"


def _account_number(provider: TownProvider, n: int) -> str:
    """Return the `n`-th account number of `provider`, as its billing system prints it."""
    if provider is VODOKANAL:
        return f"{10_000 + n:07d}"  # leading zeros matter: "0010001"
    if provider is GAS:
        return f"04{100_000 + n * 7:08d}"
    return f"{500_000 + n}"


def showcase_numbers() -> list[tuple[str, str]]:
    """Return (provider code, account number) of each SHOWCASE account, in order."""
    counts = {provider.code: 0 for provider in PROVIDERS}
    numbers = []
    for spec in SHOWCASE:
        counts[spec.provider.code] += 1
        numbers.append(
            (spec.provider.code, _account_number(spec.provider, counts[spec.provider.code]))
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


# --- the generator --------------------------------------------------------------------------


@dataclass
class _Meter:
    serial: str
    service: str
    digits: int
    installed: dt.date
    verify_by: dt.date
    initial: int  # thousandths
    start_value: int  # thousandths at the start of the history (may exceed the counter)
    monthly: list[int]  # consumption per history month, thousandths
    first_month: int = 0  # index of the first month with consumption and readings
    first_day: int = 1
    last_month: int = HISTORY_MONTHS  # index of the last month with readings
    last_day: int = 31
    removed: dt.date | None = None
    article_example: bool = False


@dataclass
class _Account:
    provider: TownProvider
    number: str
    street: int
    house: str
    korpus: str
    apartment: str
    surname: str
    name: str
    patronymic: str
    persons: int | None
    opened: dt.date
    closed: dt.date | None = None
    first_month: int = 0
    last_month: int = HISTORY_MONTHS - 1  # last billed month
    meters: list[_Meter] = field(default_factory=list)
    benefit: int | None = None
    subsidy: int = 0
    area: int = 0
    gas_heating: bool = False
    payer: float = 0.9  # chance of paying in a month


class _Town:
    def __init__(self, *, today: dt.date, seed: int, writers: dict[str, dict[str, Any]]):
        self.today = today
        self.rng = random.Random(seed)
        self.writers = writers
        self.months = _months(today)
        self.numbers = {p.code: 0 for p in PROVIDERS}
        self.serial_counter = 0
        self.street_ids = {
            VODOKANAL.code: [f"{i + 1:04d}" for i in range(len(STREETS))],
            GAS.code: [str(100 + i) for i in range(len(STREETS))],
            TEPLO.code: [f"{i + 1:05d}" for i in range(len(STREETS))],
        }

    # -- numbers ---------------------------------------------------------------------------

    def account_number(self, provider: TownProvider) -> str:
        self.numbers[provider.code] += 1
        return _account_number(provider, self.numbers[provider.code])

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

    def random_households(self) -> Iterator[list[_Account]]:
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

    def draw_money_habits(self, account: _Account) -> None:
        r = self.rng.random
        if account.benefit is None and r() < 0.08:
            account.benefit = int(r() * len(BENEFITS))
        if not account.subsidy and r() < 0.1:
            account.subsidy = 5_000 + int(r() * 60) * 500
        account.payer = (0.97, 0.97, 0.85, 0.6, 0.2)[int(r() * 5)]

    def water_account(self, base: dict[str, Any], *, is_block: bool) -> _Account:
        r = self.rng.random
        account = _Account(provider=VODOKANAL, number=self.account_number(VODOKANAL), **base)
        if r() < 0.03:
            return account  # no meter: billed by the norm
        persons = account.persons or 2
        account.meters.append(self.meter("cold_water", persons * (60 + int(r() * 80))))
        if is_block and r() < 0.15:
            account.meters.append(self.meter("cold_water", persons * (20 + int(r() * 30))))
        if is_block and r() < 0.6:
            account.meters.append(self.meter("hot_water", persons * (30 + int(r() * 40))))
        return account

    def gas_account(self, base: dict[str, Any], *, heating: bool) -> _Account:
        r = self.rng.random
        account = _Account(provider=GAS, number=self.account_number(GAS), **base)
        if r() < 0.25:
            # The gas company's old system kept names in Russian.
            account.name = {"Іван": "Иван", "Петро": "Пётр", "Олена": "Елена"}.get(
                account.name, account.name
            )
        account.gas_heating = heating
        daily = 600 + int(r() * 900) if heating else 200 + int(r() * 400)
        account.meters.append(self.meter("gas", daily, season=heating))
        return account

    def heat_account(self, base: dict[str, Any]) -> _Account:
        account = _Account(provider=TEPLO, number=self.account_number(TEPLO), **base)
        account.area = 32 + int(self.rng.random() * 70)
        return account

    def meter(self, service: str, daily: int, *, season: bool = False) -> _Meter:
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
        return _Meter(
            serial=serial,
            service=service,
            digits=digits,
            installed=installed,
            verify_by=verify_by,
            initial=initial,
            start_value=history,
            monthly=monthly,
        )

    def open_in_history(self, account: _Account, month: int, day: int) -> None:
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

    def close_in_history(self, account: _Account, month: int) -> None:
        start = self.months[month].start
        account.closed = start.replace(day=1 + int(self.rng.random() * 25))
        account.last_month = month
        for meter in account.meters:
            meter.last_month = month
            meter.last_day = account.closed.day

    def showcase_households(self) -> Iterator[list[_Account]]:
        months = self.months
        for spec in SHOWCASE:
            account = _Account(
                provider=spec.provider,
                number=self.account_number(spec.provider),
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
                installed, initial = _showcase_installation(meter_spec, months[0].start)
                verify_by = meter_spec.verify_by or installed.replace(year=self.today.year + 2)
                meter = _Meter(
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

    def open_meter_at(self, meter: _Meter, month: int, day: dt.date) -> None:
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

    # -- rows ------------------------------------------------------------------------------

    def write(self, account: _Account) -> int:
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

    def write_readings(self, write: Any, code: str, number: str, meter: _Meter) -> int:
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

    def write_ledger(self, write: Any, account: _Account) -> int:
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

    def charges(self, account: _Account, k: int) -> list[tuple[str, int, int, str]]:
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


def town_write(
    *, directory: Path, accounts: int, today: dt.date, seed: int = 1
) -> dict[str, list[Path]]:
    """Write a synthetic town of `accounts` accounts into `directory`; return its files by kind.

    One file of each kind per provider (providers and streets first), in the order an import
    needs them. The same `accounts`, `today` and `seed` always give the same bytes.
    Raises TownTooSmall when `accounts` is below MIN_ACCOUNTS.
    """
    if accounts < MIN_ACCOUNTS:
        raise TownTooSmall(f"a town needs at least {MIN_ACCOUNTS} accounts, not {accounts}")
    directory.mkdir(parents=True, exist_ok=True)
    files: dict[str, list[Path]] = {kind: [] for kind in FILE_KINDS}
    with ExitStack() as stack:

        def open_writer(path: Path, kind: str, encoding: str) -> Any:
            handle = stack.enter_context(path.open("w", encoding=encoding, newline=""))
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(HEADERS[kind])
            files[kind].append(path)
            return writer.writerow, handle.write

        write_providers, _ = open_writer(directory / "providers.csv", "providers", "utf-8")
        for provider in PROVIDERS:
            write_providers(
                (
                    provider.code,
                    provider.name,
                    provider.service,
                    provider.read_from,
                    provider.read_to,
                    provider.cutoff or "",
                    int(provider.meter_required),
                )
            )
        writers: dict[str, dict[str, Any]] = {}
        for provider in PROVIDERS:
            writers[provider.code] = {}
            for kind in FILE_KINDS[1:]:
                if provider.service == "heat" and kind in ("meters", "readings"):
                    continue  # heat is billed by the flat's area: no meters
                path = directory / f"{provider.code}-{kind}.csv"
                writerow, write = open_writer(path, kind, provider.encoding)
                writers[provider.code][kind] = writerow
                writers[provider.code][f"{kind}:raw"] = write
        town = _Town(today=today, seed=seed, writers=writers)
        for provider in PROVIDERS:
            write_street = writers[provider.code]["streets"]
            for index, (street_type, name, old_names) in enumerate(STREETS):
                write_street(
                    (
                        provider.code,
                        town.street_ids[provider.code][index],
                        street_type,
                        name,
                        old_names,
                    )
                )
        written = 0
        households = itertools.chain(town.showcase_households(), town.random_households())
        for household in households:
            for account in household:
                if written == accounts:
                    break
                town.write(account)
                written += 1
            if written == accounts:
                break
    return files
