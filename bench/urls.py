"""The application's URLs plus a bare view (benchmark settings only, see bench/settings.py)."""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as application_urlpatterns

PAGE = b"<!doctype html><title>bare</title><p>Hello from a bare Django view.</p>"


def bare(request):
    """The framework's limit: the whole middleware stack, no database, no template."""
    return HttpResponse(PAGE)


urlpatterns = [path("bench/bare/", bare), *application_urlpatterns]
