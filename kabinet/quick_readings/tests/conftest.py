"""The reading pages' fixtures: a meter, its readings, a signed-in holder."""

from kabinet.metering.tests.conftest import (  # noqa: F401
    account,
    link,
    make_reading,
    meter,
    now,
    signed_in,
    subscriber,
)
