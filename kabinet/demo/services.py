"""The demo: a synthetic town imported like real billing files, and its subscribers.

`demo_seed` writes the town (`town/`) into a directory, imports it with the billing
importer (one transaction, the same path real files take), then makes the demo's users with
verified e-mail addresses and links them to their accounts. Running it again changes nothing
that is already there: the import upserts, the users and links are found before they are made.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from allauth.account.models import EmailAddress
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone

from kabinet.billing.models import Account
from kabinet.exchange.importer import ImportSummary, billing_import
from kabinet.metering.models import Meter, Reading
from kabinet.metering.services import reading_submit
from kabinet.payments.merchants import merchant_bank_details_ensure
from kabinet.providers.models import Provider
from kabinet.subscribers.models import AccountLink, User

from . import power
from .requests_demo import requests_and_outages_ensure
from .town import FILE_KINDS, town_write
from .town.showcase import SHOWCASE, showcase_address, showcase_numbers
from .town.tables import GAS, GAS_DAILY_MAX, TEPLO, VODOKANAL

# Indexes into town.showcase.SHOWCASE of each demo subscriber's accounts.
DEMO_ACCOUNTS = (0, 1)  # Шевчук: water and gas at вул. Шевченка 12/3, кв. 45
OLENA_ACCOUNTS = (3,)  # Кондрат'єва: просп. Богдана Хмельницького (Леніна) 101а, кв. 5а
# `olena` confirmed a cold water reading far above her usual, so the operator has one to review.
REVIEW_METER = "77-000451"
REVIEW_EXTRA = Decimal(95)  # m³ above her last reading: some fifteen months' worth


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    email: str
    role: str
    accounts: tuple[str, ...] = ()  # "provider account" of each linked account


DEMO_LOGINS = (
    DemoLogin("demo", "demo-Kabinet-2026", "demo@example.com", "subscriber"),
    DemoLogin("olena", "olena-Kabinet-2026", "olena@example.com", "subscriber"),
    DemoLogin("operator", "operator-Kabinet-2026", "operator@example.com", "operator"),
    DemoLogin("admin", "admin-Kabinet-2026", "admin@example.com", "superuser"),
)


@dataclass(frozen=True)
class DemoSeedResult:
    files: dict[str, list[Path]]
    summary: ImportSummary
    logins: list[DemoLogin]
    free_accounts: list["FreeAccount"]  # showcase accounts left to register with


@dataclass(frozen=True)
class FreeAccount:
    provider: str
    number: str
    address: str
    surname: str


# Made up, in the right shapes (the IBANs' check digits are valid).
DEMO_BANK_DETAILS = {
    VODOKANAL.code: (
        "КП «Міськводоканал» міської ради",
        "03327664",
        "UA203052990000026001000000101",
    ),
    GAS.code: ("АТ «Міськгаз»", "03346058", "UA093052990000026001000000202"),
    TEPLO.code: ("КП «Теплоенерго» міської ради", "05417093", "UA953052990000026001000000303"),
}


def demo_seed(
    *,
    accounts: int,
    today: dt.date,
    directory: Path,
    now: dt.datetime | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> DemoSeedResult:
    """Write the demo town into `directory`, import it, and make the demo's subscribers.

    `now` stamps the account links (default: nine in the morning of `today`). Raises
    town.TownTooSmall for fewer accounts than the showcase needs, and the importer's
    ImportRejected when the files do not import (nothing is changed then).
    """
    files = town_write(directory=directory, accounts=accounts, today=today)
    paths = [path for kind in FILE_KINDS for path in files[kind]]
    summary = billing_import(
        paths=paths,
        display_names={path: path.name for path in paths},
        progress=progress,
    )
    linked_at = now or timezone.make_aware(dt.datetime.combine(today, dt.time(9, 0)))
    power.power_ensure(today=today)
    logins = demo_users_ensure(linked_at=linked_at)
    review_example_ensure(now=linked_at)
    # payments: the bank details that receipts and the NBU payment QR code show.
    merchant_bank_details_ensure(details=DEMO_BANK_DETAILS, now=linked_at)
    requests_and_outages_ensure(now=linked_at)
    numbers = showcase_numbers()
    taken = {numbers[i] for i in DEMO_ACCOUNTS + OLENA_ACCOUNTS}
    return DemoSeedResult(
        files=files,
        summary=summary,
        logins=logins,
        free_accounts=[
            FreeAccount(code, number, showcase_address(index), SHOWCASE[index].surname)
            for index, (code, number) in enumerate(numbers)
            if (code, number) not in taken
        ]
        + [
            FreeAccount(power.CODE, spec.number, power.power_address(spec), spec.surname)
            for spec in power.ACCOUNTS
            if spec.number in power.FREE_NUMBERS
        ],
    )


@transaction.atomic
def demo_users_ensure(*, linked_at: dt.datetime) -> list[DemoLogin]:
    """Make (or bring back) the demo's users, their verified e-mail and their account links.

    The town must be imported. An account that someone else has linked meanwhile is left to them.
    """
    numbers = showcase_numbers()
    # Gas meters are read off a large counter: a private house heated by gas burns far more a
    # day than the water default allows.
    Provider.objects.filter(code=GAS.code).update(daily_max=Decimal(GAS_DAILY_MAX))
    logins = []
    for login in DEMO_LOGINS:
        user = _user_ensure(login)
        linked: tuple[str, ...] = ()
        if login.username == "demo":
            linked = _links_ensure(
                user,
                [numbers[i] for i in DEMO_ACCOUNTS]
                + [(power.CODE, number) for number in power.DEMO_NUMBERS],
                linked_at,
            )
        elif login.username == "olena":
            linked = _links_ensure(user, [numbers[i] for i in OLENA_ACCOUNTS], linked_at)
        elif login.role == "operator":
            Provider.objects.get(code=VODOKANAL.code).operators.add(user)
        logins.append(DemoLogin(login.username, login.password, login.email, login.role, linked))
    return logins


@transaction.atomic
def review_example_ensure(*, now: dt.datetime) -> Reading | None:
    """Give the back office's review queue one reading, as a subscriber would have left it.

    `olena` types a value far above her usual on her cold water meter and confirms it on the
    second screen: the portal stores it for an operator to review. Once there is a reading
    under review on that meter, nothing more is added.
    """
    code, number = showcase_numbers()[OLENA_ACCOUNTS[0]]
    meter = Meter.objects.filter(
        account__provider__code=code, account__number=number, serial=REVIEW_METER
    ).first()
    olena = User.objects.filter(username="olena").first()
    if meter is None or olena is None:
        return None
    if meter.readings.filter(status=Reading.Status.REVIEW).exists():
        return None
    last = meter.readings.order_by("-reading_date").first()
    today = timezone.localdate(now)
    if last is None or last.reading_date >= today:
        return None
    submitted = reading_submit(
        meter=meter,
        value=last.value + REVIEW_EXTRA,
        reading_date=today,
        source=Reading.Source.PORTAL,
        submitted_by=olena,
        now=now,
        confirm_implausible=True,
    )
    return submitted.reading


def _user_ensure(login: DemoLogin) -> User:
    user, _ = User.objects.get_or_create(username=login.username)
    user.email = login.email
    user.is_staff = login.role in ("operator", "superuser")
    user.is_superuser = login.role == "superuser"
    user.is_active = True
    validate_password(login.password, user)
    if not user.check_password(login.password):
        user.set_password(login.password)
    user.full_clean()
    user.save()
    EmailAddress.objects.filter(user=user).exclude(email__iexact=login.email).update(primary=False)
    EmailAddress.objects.update_or_create(
        user=user, email=login.email, defaults={"verified": True, "primary": True}
    )
    return user


def _links_ensure(
    user: User, numbers: list[tuple[str, str]], linked_at: dt.datetime
) -> tuple[str, ...]:
    linked = []
    for provider_code, number in numbers:
        account = Account.objects.get(provider__code=provider_code, number=number)
        active = AccountLink.objects.filter(account=account, unlinked_at__isnull=True).first()
        if active is None:
            AccountLink.objects.create(user=user, account=account, linked_at=linked_at)
        elif active.user_id != user.pk:
            continue
        linked.append(f"{provider_code} {number}")
    return tuple(linked)
