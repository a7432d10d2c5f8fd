"""The demo's requests and outages (issue 14): something to see in the cabinet and the queue.

An emergency outage on вул. Шевченка (where `demo` lives), a planned one on the odd side of
просп. Богдана Хмельницького (once Леніна, where `olena` lives), a "no water" request of `demo`
answered at once by the outage, and an answered meter request of `olena`. Made once: a second
run finds them and changes nothing.
"""

import datetime as dt

from kabinet.outages.models import Outage
from kabinet.outages.selectors import house_number
from kabinet.outages.services import AffectedStreet, outage_publish, outage_update
from kabinet.providers.models import Provider
from kabinet.requests.models import Request
from kabinet.requests.services import request_answer, request_create
from kabinet.subscribers.access import accessible_accounts
from kabinet.subscribers.models import User

from .town.tables import VODOKANAL


def requests_and_outages_ensure(*, now: dt.datetime) -> None:
    """Publish the demo's outages and file its requests, unless they are there already."""
    provider = Provider.objects.filter(code=VODOKANAL.code).first()
    operator = User.objects.filter(username="operator").first()
    demo = User.objects.filter(username="demo").first()
    olena = User.objects.filter(username="olena").first()
    if provider is None or operator is None or demo is None or olena is None:
        return
    if Outage.objects.filter(provider=provider).exists():
        return
    demo_account = accessible_accounts(user=demo).filter(provider=provider).first()
    olena_account = accessible_accounts(user=olena).filter(provider=provider).first()
    if demo_account is None or olena_account is None:
        return
    emergency = outage_publish(
        provider=provider,
        operator=operator,
        service="cold_water",
        kind=Outage.Kind.EMERGENCY,
        starts_at=now - dt.timedelta(hours=2),
        ends_at=now + dt.timedelta(hours=6),
        reason="Пошкодження водогону на розі з вул. Франка; працює аварійна бригада.",
        streets=[AffectedStreet(street=demo_account.street)],
        now=now - dt.timedelta(hours=2),
    )
    outage_update(
        outage=emergency,
        operator=operator,
        text="Бригада на місці; воду очікуємо до вечора.",
        ends_at=None,
        restored=False,
        now=now - dt.timedelta(hours=1),
    )
    house = house_number(olena_account.house) or 1
    outage_publish(
        provider=provider,
        operator=operator,
        service="cold_water",
        kind=Outage.Kind.PLANNED,
        starts_at=now + dt.timedelta(days=1),
        ends_at=now + dt.timedelta(days=1, hours=8),
        reason="Планова заміна засувок.",
        streets=[
            AffectedStreet(
                street=olena_account.street,
                house_from=max(house - 10, 1),
                house_to=house + 20,
                side="odd" if house % 2 else "even",
            )
        ],
        now=now,
    )
    if not Request.objects.filter(user__in=[demo, olena]).exists():
        request_create(
            user=demo,
            account=demo_account,
            kind="no_water",
            text="З ранку немає холодної води.",
            uploads=[],
            language="uk",
            now=now - dt.timedelta(minutes=50),
        )
        filed = request_create(
            user=olena,
            account=olena_account,
            kind="meter",
            text="Прошу опломбувати новий лічильник холодної води.",
            uploads=[],
            language="uk",
            now=now - dt.timedelta(minutes=40),
        )
        request_answer(
            operator=operator,
            request=filed,
            text="Контролер прийде протягом п'яти робочих днів; з вами зв'яжуться заздалегідь.",
            uploads=[],
            now=now - dt.timedelta(minutes=10),
        )
