"""The shared fixtures of requests and outages."""

from kabinet.requests.tests.fixtures import *  # noqa: F403
