"""Benchmarks: the local settings plus one bare view, the floor every figure is compared with.

`make bench` starts `kabinet serve` with these settings, so the floor (`/bench/ok/`) and the
pages and API being measured are served by the same processes with the same middleware,
database and cache. Nothing else differs from `local`.
"""

from .local import *  # noqa: F403

ROOT_URLCONF = "kabinet.config.bench_urls"
