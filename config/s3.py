"""Uploaded files in a private S3-compatible bucket (``STORAGE_BACKEND=s3``).

Imported only when that backend is chosen (``config.shared.file_storage``), so a server
without django-storages installed never imports it.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage


class PrivateS3Storage(S3Storage):
    """django-storages' S3 backend that never hands out a link into the bucket.

    Every download goes through Styrdok's permission-checked views, which read the object
    and stream it (and write the audit entry). ``url()`` therefore gives the same address
    a file has on the filesystem backend, under ``MEDIA_URL``, which nothing serves: no
    signed or public bucket address appears in any page, the admin included.
    """

    def url(self, name, parameters=None, expire=None, http_method=None) -> str:
        return f"{settings.MEDIA_URL}{filepath_to_uri(name)}"
