"""Real app servers for the multi-server test: gunicorn processes with production settings on
the test database, a shared Redis and moto's S3 endpoint, and a small HTTP client for them.

The servers are separate processes, so they see only committed data: the test that uses them
runs with a transactional test database, whose name they are given in ``DATABASE_URL``.
They sit behind no proxy; every request says ``X-Forwarded-Proto: https`` as the reverse
proxy would, so production's HTTPS redirect and secure cookies behave as in a deployment.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import Message
from http.client import HTTPConnection
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

BASE_DIR = Path(settings.BASE_DIR)

# Production's cookie names (the servers run with DJANGO_ENV=production; this process does not).
SESSION_COOKIE = "__Host-sessionid"
CSRF_COOKIE = "__Host-csrftoken"


def ports() -> tuple[int, int, int]:
    """Two app servers and the S3 endpoint: ``STYRDOK_MULTISERVER_PORTS`` or 8161-8163."""
    raw = os.environ.get("STYRDOK_MULTISERVER_PORTS", "8161,8162,8163")
    first, second, s3 = (int(p) for p in raw.split(","))
    return first, second, s3


def database_url() -> str:
    """The test database as a URL, for processes outside this one."""
    conf = connection.settings_dict
    user = urllib.parse.quote(conf.get("USER") or "")
    password = urllib.parse.quote(conf.get("PASSWORD") or "")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = conf.get("HOST") or "127.0.0.1"
    port = conf.get("PORT") or 5432
    return f"postgres://{credentials}{host}:{port}/{conf['NAME']}"


def server_environment(*, redis_url: str, s3_endpoint: str, bucket: str, tmp: Path, **extra):
    """The environment every server (and every job run beside it) gets: one database, one
    cache, one bucket, production settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "CACHE_", "AWS_", "PYTEST"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_ENV": "production",
            # The sessions this process creates for the visitors must be readable there.
            "SECRET_KEY": settings.SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": database_url(),
            "CACHE_URL": redis_url,
            "STORAGE_BACKEND": "s3",
            "AWS_STORAGE_BUCKET_NAME": bucket,
            "AWS_S3_ENDPOINT_URL": s3_endpoint,
            "AWS_S3_REGION_NAME": "us-east-1",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            # Nothing may land on a server's own disk; the test looks here afterwards.
            "MEDIA_ROOT": str(tmp / "media"),
            "STATIC_ROOT": str(tmp / "static"),
            "LOG_LEVEL": "WARNING",
        }
    )
    env.update({key: str(value) for key, value in extra.items()})
    return env


@dataclass
class AppServer:
    """One gunicorn with one worker on ``port``."""

    name: str
    port: int
    env: Mapping[str, str]
    log: Path
    process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                "--timeout",
                "60",
            ],
            cwd=BASE_DIR,
            env=dict(self.env),
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"{self.name} ended at start:\n{self.log_tail()}")
            try:
                if Visitor(self).get("/register/").status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise AssertionError(f"{self.name} did not answer within {timeout} s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)

    def log_tail(self, lines: int = 40) -> str:
        if not self.log.exists():
            return ""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


@dataclass
class Response:
    status: int
    headers: Message
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


@dataclass
class Visitor:
    """One browser at one server: its cookies, the proxy's headers, a CSRF token of its own
    (Django accepts a form token equal to the cookie's secret)."""

    server: AppServer
    session_key: str | None = None
    csrf: str = field(default_factory=lambda: secrets.token_hex(16))

    def _headers(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        cookies = {CSRF_COOKIE: self.csrf}
        if self.session_key:
            cookies[SESSION_COOKIE] = self.session_key
        origin = f"https://127.0.0.1:{self.server.port}"
        headers = {
            "Host": f"127.0.0.1:{self.server.port}",
            "X-Forwarded-Proto": "https",
            "Origin": origin,
            "Referer": f"{origin}/",
            "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
        }
        headers.update(extra or {})
        return headers

    def request(self, method: str, path: str, body: bytes | None = None, headers=None):
        conn = HTTPConnection("127.0.0.1", self.server.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=self._headers(headers))
            answer = conn.getresponse()
            return Response(answer.status, answer.headers, answer.read())
        finally:
            conn.close()

    def get(self, path: str, **headers) -> Response:
        return self.request("GET", path, headers=headers)

    def post(self, path: str, data: Mapping) -> Response:
        """A form post, multipart (file values are uploads), with this visitor's CSRF token."""
        body = encode_multipart(BOUNDARY, {**data, "csrfmiddlewaretoken": self.csrf})
        return self.request("POST", path, body, {"Content-Type": MULTIPART_CONTENT})
