"""The providers kept in the process for the Check step's form (issue 12)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kabinet.providers.selectors import providers_by_name, providers_forget

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def kept(settings):
    settings.PROVIDER_CACHE_SECONDS = 30
    providers_forget()
    yield
    providers_forget()


def read() -> tuple[list[str], int]:
    with CaptureQueriesContext(connection) as queries:
        codes = [p.code for p in providers_by_name()]
    return codes, len(queries)


def test_the_providers_are_read_once_while_fresh(make_provider):
    make_provider("vodokanal")

    assert read() == (["vodokanal"], 1)
    assert read() == (["vodokanal"], 0)


def test_a_provider_saved_in_this_process_is_seen_at_once(make_provider):
    make_provider("vodokanal")
    assert read() == (["vodokanal"], 1)

    make_provider("gas")

    assert read() == (["gas", "vodokanal"], 1)  # by name: Газмережі, КП «Водоканал»


def test_a_deleted_provider_goes_at_once(make_provider):
    make_provider("vodokanal")
    gas = make_provider("gas")
    assert read() == (["gas", "vodokanal"], 1)

    gas.delete()

    assert read() == (["vodokanal"], 1)


def test_without_the_setting_every_read_is_a_query(settings, make_provider):
    settings.PROVIDER_CACHE_SECONDS = 0
    make_provider("vodokanal")

    assert read() == (["vodokanal"], 1)
    assert read() == (["vodokanal"], 1)
