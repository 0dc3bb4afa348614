"""An installation chooses its cache and its file store in the environment: nothing for one
server (local memory, ``MEDIA_ROOT``), ``CACHE_URL`` (Redis) and ``STORAGE_BACKEND=s3`` for
several. A wrong value stops the server at start with a message naming the variable."""

from __future__ import annotations

import importlib.util

import pytest
from django.core.exceptions import ImproperlyConfigured

from config import shared


def test_one_server_needs_nothing():
    assert shared.caches("") == {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    }
    assert shared.file_storage("", {}) == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert shared.file_storage("filesystem", {})["BACKEND"].endswith("FileSystemStorage")


@pytest.mark.parametrize(
    "url",
    ["redis://cache.internal:6379/0", "rediss://:secret@cache.internal:6380/2", "unix:///run/r.s"],
)
def test_a_redis_address_selects_djangos_own_redis_backend(url):
    config = shared.caches(url, key_prefix="kommun-a")["default"]

    assert config["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert config["LOCATION"] == url
    assert config["KEY_PREFIX"] == "kommun-a"
    # A Redis that does not answer must not hold a worker for long.
    assert config["OPTIONS"]["socket_timeout"] <= 5
    assert config["OPTIONS"]["socket_connect_timeout"] <= 5


@pytest.mark.parametrize("url", ["memcached://cache:11211", "cache.internal:6379", "http://x"])
def test_a_cache_url_that_is_not_redis_is_refused_at_start(url):
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL must be a Redis address"):
        shared.caches(url)


def test_s3_needs_a_bucket_and_keeps_objects_private_and_unreplaced():
    with pytest.raises(ImproperlyConfigured, match="AWS_STORAGE_BUCKET_NAME"):
        shared.file_storage("s3", {})

    config = shared.file_storage(
        "S3",
        {
            "AWS_STORAGE_BUCKET_NAME": "styrdok",
            "AWS_S3_ENDPOINT_URL": "https://s3.kommun.se",
            "AWS_S3_REGION_NAME": "eu-north-1",
            "AWS_ACCESS_KEY_ID": "AKIA-not-copied",
            "AWS_SECRET_ACCESS_KEY": "not-copied",
        },
    )
    options = config["OPTIONS"]
    assert config["BACKEND"] == "config.s3.PrivateS3Storage"
    assert options["bucket_name"] == "styrdok"
    assert options["endpoint_url"] == "https://s3.kommun.se"
    assert options["region_name"] == "eu-north-1"
    assert options["default_acl"] == "private"
    assert options["file_overwrite"] is False
    # Credentials stay in the environment (or an instance role), out of settings.
    assert "not-copied" not in repr(config)


def test_a_bucket_without_acls_may_turn_the_private_acl_off():
    config = shared.file_storage("s3", {"AWS_STORAGE_BUCKET_NAME": "b", "AWS_DEFAULT_ACL": ""})
    assert config["OPTIONS"]["default_acl"] is None


def test_an_unknown_storage_backend_is_refused_at_start():
    with pytest.raises(ImproperlyConfigured, match="STORAGE_BACKEND must be"):
        shared.file_storage("nfs", {})


def test_s3_without_its_packages_says_how_to_install_them(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name: None if name == "storages" else real(name)
    )
    with pytest.raises(ImproperlyConfigured, match=r"pip install -e '\.\[s3\]'"):
        shared.file_storage("s3", {"AWS_STORAGE_BUCKET_NAME": "b"})
