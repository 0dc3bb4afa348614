"""Settings for the HTTP benchmark only (``bench.http``): the application's settings plus a
bare Django view at ``/bench/bare/``, the reference for requests per second. Production
uses ``config.settings``, where that URL does not exist."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
