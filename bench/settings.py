"""The site's settings with the benchmarks' URLs (the bare view beside the site); never deployed.

``bench/load.py`` serves the application with gunicorn under these settings.
"""

from oik_site.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
