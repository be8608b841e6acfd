"""Settings for the benchmark server: the project's settings plus one baseline view (bench_urls.py).

The check-in storm starts `dangjian serve` with DJANGO_SETTINGS_MODULE=bench_site and this folder
on PYTHONPATH; everything else (middleware, database, sessions, templates) is the product's.
"""

from dangjian.config.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
