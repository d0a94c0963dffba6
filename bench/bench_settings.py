"""Response's settings plus one bench-only URL (a bare Django view, the baseline)."""

from response.settings import *  # noqa: F403

ROOT_URLCONF = "bench.bench_urls"
