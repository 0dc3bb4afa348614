"""Settings for the benchmarks only: the application's settings plus a bare Django view at
``/bench/bare/`` (the reference for requests per second in ``bench.http``) and the ``bench``
app (the bare viewflow flow of ``bench.lifecycle`` must belong to an installed app).
Production uses ``config.settings``, where neither exists."""

from config.settings import *  # noqa: F403
from config.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
ROOT_URLCONF = "bench.urls"
