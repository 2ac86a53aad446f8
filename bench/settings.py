"""The site's settings with the benchmarks' URLs (the bare view beside the site); never deployed.

``bench/load.py`` serves the application with gunicorn under these settings.
"""

import os

from oik_site.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# Experiments: OIK_BENCH_SERVER_BINDING=1 binds parameters on the server, so psycopg prepares a
# query after a few runs on a connection and PostgreSQL plans it once (Django's
# ``server_side_binding``).
if os.environ.get("OIK_BENCH_SERVER_BINDING") == "1":
    DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = True  # noqa: F405
