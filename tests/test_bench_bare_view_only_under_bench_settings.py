"""The bare Django view that the HTTP benchmark compares the register with exists only under
bench.settings; the application's URLs (production) do not have it."""

from __future__ import annotations

import pytest
from django.urls import Resolver404, resolve


def test_production_urls_have_no_bare_view():
    with pytest.raises(Resolver404):
        resolve("/bench/bare/", urlconf="config.urls")


def test_the_bench_urls_add_only_the_bare_view():
    from bench.urls import urlpatterns
    from config.urls import urlpatterns as application

    assert resolve("/bench/bare/", urlconf="bench.urls").func.__name__ == "bare"
    assert urlpatterns[1:] == application
