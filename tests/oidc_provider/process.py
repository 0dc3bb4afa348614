"""Starts the test provider (``serve.py``) in its own process and drives its browser side."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

import requests

from tests.oidc_provider.serve import CLIENT_ID, CLIENT_SECRET, PASSWORD

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Provider:
    url: str  # e.g. http://127.0.0.1:40123
    browser: requests.Session = field(default_factory=requests.Session)

    @property
    def issuer(self) -> str:
        return f"{self.url}/openid"

    def settings(self) -> dict[str, object]:
        """Styrdok's settings for this provider, as an administrator would set them."""
        return {
            "OIDC_ENABLED": True,
            "OIDC_OP_ISSUER": self.issuer,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.issuer}/authorize",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.issuer}/token",
            "OIDC_OP_USER_ENDPOINT": f"{self.issuer}/userinfo",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.issuer}/jwks",
            "OIDC_OP_LOGOUT_ENDPOINT": f"{self.issuer}/end-session",
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
        }

    def new_browser(self) -> None:
        self.browser = requests.Session()

    def get(self, url: str) -> requests.Response:
        return self.browser.get(urljoin(self.url, url), allow_redirects=False)

    def sign_in_and_authorize(self, authorize_url: str, username: str) -> str:
        """Follows the provider's pages from the authorization request as a browser would,
        signing in as ``username`` when asked; returns where the provider sends the
        browser back to (Styrdok's callback)."""
        response = self.get(authorize_url)
        location = response.headers["Location"]
        if location.startswith("/login/"):
            login_url = urljoin(self.url, location)
            self.browser.get(login_url)
            signed_in = self.browser.post(
                login_url,
                data={
                    "username": username,
                    "password": PASSWORD,
                    "csrfmiddlewaretoken": self.browser.cookies["provider_csrftoken"],
                },
                allow_redirects=False,
            )
            assert signed_in.status_code == 302, signed_in.text
            response = self.get(signed_in.headers["Location"])
            location = response.headers["Location"]
        return location


@contextmanager
def running_provider(redirect_base: str, tmp_dir: Path) -> Iterator[Provider]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
        "TEST_PROVIDER_DB": str(tmp_dir / "provider.sqlite3"),
    }
    env.pop("DATABASE_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.oidc_provider.serve", redirect_base],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        assert line.startswith("PORT "), f"the test provider did not start: {line!r}"
        yield Provider(url=f"http://127.0.0.1:{int(line.split()[1])}")
    finally:
        process.terminate()
        process.wait(timeout=10)
