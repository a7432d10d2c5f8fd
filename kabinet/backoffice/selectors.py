"""Reads of the back office: the dashboard's figures, queues, searches and histories.

Every selector takes the operator's providers (from `access.operator_providers`) and reads only
their rows.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, F, Min, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from kabinet.addresses.models import Street, StreetName
from kabinet.addresses.normalize import fold_account_number, fold_name, fold_street
from kabinet.audit.models import AuditEntry
from kabinet.billing.models import Account
from kabinet.exchange.models import ImportRun
from kabinet.metering.models import Meter, Reading
from kabinet.periods import period_start
from kabinet.providers.models import Provider
from kabinet.subscribers.models import AccountLink


@dataclass(frozen=True)
class DayCount:
    day: dt.date
    count: int


@dataclass(frozen=True)
class Dashboard:
    subscribers_total: int
    subscribers_this_month: int
    accounts_total: int
    accounts_with_reading: int
    readings_per_day: list[DayCount]
    review_count: int
    overdue_count: int

    @property
    def reading_share_percent(self) -> int:
        if not self.accounts_total:
            return 0
        return round(self.accounts_with_reading * 100 / self.accounts_total)


def dashboard_figures(*, providers: QuerySet[Provider], today: dt.date) -> Dashboard:
    """Return the month's figures for the operator's providers (a fixed number of queries)."""
    month = period_start(today)
    links = AccountLink.objects.filter(account__provider__in=providers, unlinked_at__isnull=True)
    subscribers_total = links.values("user_id").distinct().count()
    # A subscriber counts as new this month when their first link to these providers is.
    month_start_at = timezone.make_aware(dt.datetime.combine(month, dt.time.min))
    subscribers_this_month = (
        AccountLink.objects.filter(account__provider__in=providers)
        .values("user_id")
        .annotate(first_at=Min("linked_at"))
        .filter(first_at__gte=month_start_at, user_id__in=links.values("user_id"))
        .count()
    )
    open_accounts = Account.objects.filter(provider__in=providers, closed_date__isnull=True)
    period_readings = Reading.objects.filter(
        meter__account__provider__in=providers, reading_date__gte=month, reading_date__lte=today
    )
    accounts_total = open_accounts.count()
    accounts_with_reading = open_accounts.filter(
        Exists(period_readings.filter(meter__account=OuterRef("pk")))
    ).count()
    by_day = dict(period_readings.values_list("reading_date").annotate(n=Count("id")).order_by())
    readings_per_day = [
        DayCount(day=day, count=by_day.get(day, 0))
        for day in (month + dt.timedelta(days=offset) for offset in range((today - month).days + 1))
    ]
    return Dashboard(
        subscribers_total=subscribers_total,
        subscribers_this_month=subscribers_this_month,
        accounts_total=accounts_total,
        accounts_with_reading=accounts_with_reading,
        readings_per_day=readings_per_day,
        review_count=review_queue(providers=providers).count(),
        overdue_count=overdue_meters(providers=providers, today=today).count(),
    )


def review_queue(*, providers: QuerySet[Provider]) -> QuerySet[Reading]:
    """Return the readings waiting for an operator's review, oldest first."""
    return (
        Reading.objects.filter(status=Reading.Status.REVIEW, meter__account__provider__in=providers)
        .select_related("meter__account__provider", "submitted_by")
        .order_by("submitted_at", "pk")
    )


def overdue_meters(*, providers: QuerySet[Provider], today: dt.date) -> QuerySet[Meter]:
    """Return meters in service whose verification date has passed, most overdue first."""
    return (
        Meter.objects.filter(
            account__provider__in=providers,
            removed_date__isnull=True,
            verify_by_date__lt=today,
            account__closed_date__isnull=True,
        )
        .select_related("account__provider", "account__street")
        .order_by("verify_by_date", "pk")
    )


def street_list(*, providers: QuerySet[Provider], query: str = "") -> QuerySet[Street]:
    """Return the streets of `providers` with every name, filtered by any current or former name."""
    streets = Street.objects.filter(provider__in=providers)
    key = fold_street(query) if query.strip() else ""
    if key:
        streets = streets.filter(
            Exists(StreetName.objects.filter(street=OuterRef("pk"), name_key__contains=key))
        )
    return (
        streets.select_related("provider")
        .prefetch_related(Prefetch("names", queryset=StreetName.objects.order_by("position", "pk")))
        .order_by("provider__code", "name", "pk")
    )


def account_search(*, providers: QuerySet[Provider], query: str) -> QuerySet[Account]:
    """Find accounts by number, surname, or street name (current or former) with a house."""
    accounts = Account.objects.filter(provider__in=providers)
    # No one types a NUL, and PostgreSQL refuses one in a parameter: it is dropped, not an error.
    text = query.replace("\x00", "").strip()
    if not text:
        return accounts.none()
    words = text.replace(",", " ").split()
    condition = Q(number=text) | Q(number=fold_account_number(text))
    if len(words) == 1:
        condition |= Q(surname_key__startswith=fold_name(text))
    # "Шевченка 12": every word but a last one holding a digit is the street.
    house = words[-1] if len(words) > 1 and any(ch.isdigit() for ch in words[-1]) else ""
    street_text = " ".join(words[:-1]) if house else text
    street_key = fold_street(street_text)
    if street_key:
        by_street = Q(
            street__in=StreetName.objects.filter(name_key__contains=street_key).values("street")
        )
        if house:
            by_street &= Q(house__iexact=house.split("/")[0])
        condition |= by_street
    return (
        accounts.filter(condition)
        .select_related("provider", "street")
        .order_by("provider__code", "number")
    )


def account_links(*, account: Account) -> list[AccountLink]:
    """Return every link to `account`, active first, then the ended ones newest first."""
    return list(
        AccountLink.objects.filter(account=account)
        .select_related("user")
        .order_by(F("unlinked_at").desc(nulls_first=True), "-linked_at")
    )


def import_history(*, providers: QuerySet[Provider]) -> QuerySet[ImportRun]:
    """Return the import runs of `providers`, newest first."""
    return (
        ImportRun.objects.filter(provider__in=providers)
        .select_related("actor", "provider")
        .order_by("-created_at", "-pk")
    )


def audit_log(
    *,
    providers: QuerySet[Provider],
    action: str = "",
    actor: str = "",
    target: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditEntry]:
    """Return the audit entries of `providers`, newest first, with the filters given."""
    entries = AuditEntry.objects.filter(provider__in=providers)
    if action:
        entries = entries.filter(action__startswith=action)
    if actor:
        entries = entries.filter(actor__username__iexact=actor)
    if target:
        entries = entries.filter(target_id=target)
    if date_from:
        entries = entries.filter(at__date__gte=date_from)
    if date_to:
        entries = entries.filter(at__date__lte=date_to)
    return entries.select_related("actor", "provider").order_by("-at", "-pk")


def audit_actions() -> list[str]:
    """Return the action names in the log, for the filter's choices."""
    return list(AuditEntry.objects.values_list("action", flat=True).distinct().order_by("action"))
