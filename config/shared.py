"""What several app servers share, chosen from the environment: the cache and the file store.

One server needs nothing: a cache in each process's memory and uploaded files under
``MEDIA_ROOT``. Two or more behind a load balancer share a Redis cache (``CACHE_URL``, Django's
own Redis backend) and an S3-compatible bucket (``STORAGE_BACKEND=s3``, django-storages), so
that the API's throttle, the cached register pages and the desk's figures are the same on
every server, and a file uploaded through one is downloaded through another.
See docs/deployment.md, "Several app servers".
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Callable, Mapping
from typing import TypeVar
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)
_T = TypeVar("_T")

REDIS_SCHEMES = ("redis", "rediss", "unix")
FILESYSTEM = "filesystem"
S3 = "s3"


def caches(url: str, *, key_prefix: str = "styrdok", timeout_seconds: float = 2.0) -> dict:
    """``CACHES`` for ``url``: local memory when empty, Django's Redis backend for
    ``redis://``, ``rediss://`` (TLS) or ``unix://`` addresses."""
    if not url:
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    scheme = urlsplit(url).scheme
    if scheme not in REDIS_SCHEMES:
        raise ImproperlyConfigured(
            f"CACHE_URL must be a Redis address (redis://host:6379/0, rediss://… or "
            f"unix://…); got the scheme {scheme!r}."
        )
    if importlib.util.find_spec("redis") is None:
        raise ImproperlyConfigured("CACHE_URL names Redis, but the 'redis' package is missing.")
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            # Servers of two installations sharing one Redis must not read each other's keys.
            "KEY_PREFIX": key_prefix,
            "OPTIONS": {
                # A Redis that does not answer costs a request seconds, not a worker's life.
                "socket_connect_timeout": timeout_seconds,
                "socket_timeout": timeout_seconds,
            },
        }
    }


def file_storage(backend: str, environ: Mapping[str, str]) -> dict:
    """``STORAGES["default"]`` for ``STORAGE_BACKEND``: ``filesystem`` (``MEDIA_ROOT``) or
    ``s3`` (a private bucket; the ``AWS_*`` variables as django-storages names them)."""
    backend = (backend or FILESYSTEM).strip().lower()
    if backend == FILESYSTEM:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if backend != S3:
        raise ImproperlyConfigured(
            f"STORAGE_BACKEND must be {FILESYSTEM!r} or {S3!r}; got {backend!r}."
        )
    if importlib.util.find_spec("storages") is None or importlib.util.find_spec("boto3") is None:
        raise ImproperlyConfigured(
            "STORAGE_BACKEND=s3 needs django-storages and boto3: pip install -e '.[s3]'."
        )
    bucket = environ.get("AWS_STORAGE_BUCKET_NAME", "").strip()
    if not bucket:
        raise ImproperlyConfigured("STORAGE_BACKEND=s3 needs AWS_STORAGE_BUCKET_NAME.")
    options = {
        "bucket_name": bucket,
        # Never replace a stored file: a second upload with the same name gets another name.
        "file_overwrite": False,
        # Objects are private; "private" may be turned off (AWS_DEFAULT_ACL=) for a bucket
        # whose ACLs are disabled, which is private by its policy instead.
        "default_acl": environ.get("AWS_DEFAULT_ACL", "private") or None,
        "querystring_auth": True,
        # A download is spooled to a temporary file above this size, not held in memory.
        "max_memory_size": int(environ.get("AWS_S3_MAX_MEMORY_SIZE", 2 * 1024 * 1024)),
    }
    for variable, option in (
        ("AWS_S3_ENDPOINT_URL", "endpoint_url"),
        ("AWS_S3_REGION_NAME", "region_name"),
        ("AWS_S3_ADDRESSING_STYLE", "addressing_style"),
        ("AWS_LOCATION", "location"),
    ):
        if environ.get(variable):
            options[option] = environ[variable]
    # Credentials are not copied into settings: django-storages and boto3 read
    # AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or an instance role) themselves.
    return {"BACKEND": "config.s3.PrivateS3Storage", "OPTIONS": options}


def cache_or(what: str, call: Callable[[], _T], fallback: Callable[[], _T]) -> _T:
    """``call()``, a use of the cache, or ``fallback()`` when the cache cannot be reached:
    a shared Redis that is down costs its users the cache, not their pages (a warning
    naming ``what`` goes to the log)."""
    try:
        return call()
    except Exception:  # noqa: BLE001 - whatever the configured backend raises
        logger.warning("The cache could not be used for %s", what, exc_info=True)
        return fallback()
