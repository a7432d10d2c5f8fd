"""Reads of outages: who is affected, the cabinet's banner, the public list and its search."""

import datetime as dt
import re
from dataclasses import dataclass, field, replace

from django.db.models import Prefetch, Q, QuerySet

from kabinet.addresses.models import StreetName
from kabinet.addresses.normalize import fold_street
from kabinet.billing.models import Account
from kabinet.subscribers.access import accessible_accounts

from .models import Outage, OutageStreet

# Planned outages are shown this far ahead (on the public page and in the banner).
PLANNED_HORIZON = dt.timedelta(days=14)
_LEADING_NUMBER = re.compile(r"\d+")


def house_number(house: str) -> int | None:
    """The house's number without letters or fraction: `101а` → 101; None if it has none."""
    match = _LEADING_NUMBER.match(house.strip())
    return int(match.group()) if match else None


def covers(*, house_from: int | None, house_to: int | None, side: str, house: str) -> bool:
    """Tell whether an affected street's range and side take in the house `house`."""
    if house_from is None and side == OutageStreet.Side.BOTH:
        return True
    number = house_number(house)
    if number is None:
        # A house without a number cannot be placed in a range: better warned than not.
        return True
    if side == OutageStreet.Side.ODD and number % 2 == 0:
        return False
    if side == OutageStreet.Side.EVEN and number % 2 == 1:
        return False
    if house_from is None or house_to is None:
        return True
    return house_from <= number <= house_to


def shown_condition(*, now: dt.datetime, prefix: str = "") -> Q:
    """Outages worth showing at `now`: not restored, not over, starting within the horizon."""
    return (
        Q(**{f"{prefix}restored_at__isnull": True})
        & (Q(**{f"{prefix}ends_at__isnull": True}) | Q(**{f"{prefix}ends_at__gt": now}))
        & Q(**{f"{prefix}starts_at__lte": now + PLANNED_HORIZON})
    )


@dataclass(frozen=True)
class BannerOutage:
    outage_id: int
    kind: str
    service: str
    starts_at: dt.datetime
    ends_at: dt.datetime | None
    reason: str
    street: str
    account_ids: tuple[int, ...] = ()

    @property
    def is_emergency(self) -> bool:
        return self.kind == Outage.Kind.EMERGENCY

    @property
    def service_label(self) -> str:
        from kabinet.providers.service_kinds import Service

        return str(Service(self.service).label)

    def in_effect(self, now: dt.datetime) -> bool:
        return self.starts_at <= now


def subscriber_outages(
    *, user, now: dt.datetime, account_id: int | None = None
) -> list[BannerOutage]:
    """Return the outages at the addresses of `user`'s accounts (or of one of them), in one query.

    The house ranges and sides are applied here rather than in SQL: house numbers are text
    (`101а`), and the rows are few (one per affected street of one's own accounts).
    """
    accounts = accessible_accounts(user=user)
    if account_id is not None:
        accounts = accounts.filter(pk=account_id)
    prefix = "street__outage_streets__outage__"
    rows = (
        accounts.filter(shown_condition(now=now, prefix=prefix))
        .values_list(
            "pk",
            "house",
            "street__type",
            "street__name",
            "street__outage_streets__house_from",
            "street__outage_streets__house_to",
            "street__outage_streets__side",
            f"{prefix}id",
            f"{prefix}kind",
            f"{prefix}service",
            f"{prefix}starts_at",
            f"{prefix}ends_at",
            f"{prefix}reason",
        )
        .order_by(f"{prefix}starts_at", f"{prefix}id")
    )
    found: dict[int, BannerOutage] = {}
    for (
        account_pk,
        house,
        street_type,
        street_name,
        house_from,
        house_to,
        side,
        outage_id,
        kind,
        service,
        starts_at,
        ends_at,
        reason,
    ) in rows:
        if not covers(house_from=house_from, house_to=house_to, side=side, house=house):
            continue
        known = found.get(outage_id)
        if known is not None:
            if account_pk not in known.account_ids:
                found[outage_id] = replace(known, account_ids=(*known.account_ids, account_pk))
            continue
        found[outage_id] = BannerOutage(
            outage_id=outage_id,
            kind=kind,
            service=service,
            starts_at=starts_at,
            ends_at=ends_at,
            reason=reason,
            street=f"{street_type} {street_name}".strip(),
            account_ids=(account_pk,),
        )
    return list(found.values())


def outages_in_effect_at(*, account: Account, now: dt.datetime) -> list[Outage]:
    """Return the outages of the account's provider in effect at its address at `now`."""
    candidates = (
        Outage.objects.filter(
            shown_condition(now=now),
            provider_id=account.provider_id,
            starts_at__lte=now,
            streets__street_id=account.street_id,
        )
        .prefetch_related(
            Prefetch(
                "streets",
                queryset=OutageStreet.objects.filter(street_id=account.street_id),
                to_attr="here",
            )
        )
        .distinct()
        .order_by("starts_at", "pk")
    )
    return [
        outage
        for outage in candidates
        if any(
            covers(house_from=s.house_from, house_to=s.house_to, side=s.side, house=account.house)
            for s in outage.here  # type: ignore[attr-defined]
        )
    ]


@dataclass
class PublicOutages:
    outages: list[Outage]
    query: str = ""
    matched_streets: list[str] = field(default_factory=list)


def public_outages(*, now: dt.datetime, street: str = "") -> PublicOutages:
    """Return the current and planned outages, those on a street named `street` if given.

    The street is found as the Check step finds it: by any of its names, current or former,
    folded (`fold_street`), a part of a name being enough.
    """
    outages = (
        Outage.objects.filter(shown_condition(now=now))
        .select_related("provider")
        .prefetch_related(
            Prefetch(
                "streets",
                queryset=OutageStreet.objects.select_related("street").order_by("pk"),
            ),
            "updates",
        )
        .order_by("starts_at", "pk")
    )
    matched: list[str] = []
    key = fold_street(street) if street else ""
    if street:
        names = (
            StreetName.objects.filter(name_key__contains=key) if key else StreetName.objects.none()
        )
        street_ids = names.values("street_id")
        outages = outages.filter(streets__street_id__in=street_ids).distinct()
        matched = sorted(
            {
                name.name
                for name in names.filter(street__outage_streets__isnull=False).only("name")[:20]
            }
        )
    return PublicOutages(outages=list(outages[:200]), query=street, matched_streets=matched)


def outage_list_for_operator(*, providers: QuerySet) -> QuerySet[Outage]:
    """Return the outages of `providers`, newest first, with their streets."""
    return (
        Outage.objects.filter(provider__in=providers)
        .select_related("provider")
        .prefetch_related(
            Prefetch("streets", queryset=OutageStreet.objects.select_related("street"))
        )
        .order_by("-starts_at", "-pk")
    )


def affected_accounts(*, outage: Outage) -> list[Account]:
    """Return the accounts at addresses the outage affects (any subscriber's)."""
    streets = list(outage.streets.all())
    by_street: dict[int, list[OutageStreet]] = {}
    for row in streets:
        by_street.setdefault(row.street_id, []).append(row)
    accounts = Account.objects.filter(
        street_id__in=list(by_street), provider_id=outage.provider_id, closed_date__isnull=True
    ).only("pk", "house", "street_id")
    return [
        account
        for account in accounts
        if any(
            covers(house_from=r.house_from, house_to=r.house_to, side=r.side, house=account.house)
            for r in by_street[account.street_id]
        )
    ]
