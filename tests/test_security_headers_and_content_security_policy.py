"""Every page carries the security headers and a Content-Security-Policy that allows no
inline script; the templates hold no inline script, style attribute or event handler, so
the policy breaks nothing. Production settings pass ``check --deploy`` with no warning."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import VersionFileFactory, document_with_history
from tests.upload_support import handlingsplan_draft

ROOT = Path(__file__).resolve().parent.parent
INLINE = [
    re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    re.compile(r"<style\b", re.I),
    re.compile(r"\sstyle\s*=", re.I),
    re.compile(r"\son[a-z]+\s*=", re.I),
    re.compile(r"javascript:", re.I),
]


def _policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {
        part.strip().split(" ", 1)[0]: part.strip().partition(" ")[2]
        for part in header.split(";")
        if part.strip()
    }


def _assert_no_inline(html: str, where: str) -> None:
    for pattern in INLINE:
        match = pattern.search(html)
        assert match is None, f"{where}: inline {match.group(0)!r} would break under the CSP"


def test_templates_have_no_inline_script_style_or_handlers():
    for path in (ROOT / "templates").rglob("*.html"):
        _assert_no_inline(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))


@pytest.mark.parametrize("url", ["/", "/login/", "/register/"])
def test_public_pages_carry_the_security_headers(client, db, url):
    response = client.get(url)

    assert response.status_code == 200
    policy = _policy(response)
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"  # no 'unsafe-inline', no nonce for scripts
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    _assert_no_inline(response.content.decode(), url)


def test_the_editor_page_gives_trix_a_style_nonce_and_nothing_inline(town):
    desk, case = handlingsplan_draft(town)
    _task, response = desk.open(case, "draft")
    html = response.content.decode()

    nonce = re.search(r'<meta name="trix-csp-nonce" content="([^"]+)">', html).group(1)
    assert f"'nonce-{nonce}'" in _policy(response)["style-src"]
    assert "trix.js" in html and "<trix-editor" in html
    _assert_no_inline(html, "task page")


def test_session_and_csrf_cookies_are_http_only(client, town):
    user = town.users["samordnare"]
    user.set_password("ett-långt-lösenord-1")
    user.save()
    client.get("/login/")
    response = client.post(
        "/login/", {"username": user.username, "password": "ett-långt-lösenord-1"}
    )

    assert response.status_code == 302
    assert response.cookies["sessionid"]["httponly"]
    assert response.cookies["sessionid"]["samesite"] == "Lax"
    assert client.cookies["csrftoken"]["httponly"]


def test_a_downloaded_file_is_sandboxed(client, db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    document = document_with_history(1, is_public=True)
    VersionFileFactory(version=document.current_version)
    response = client.get(reverse("documents:version_file", args=[document.pk, 1]))

    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_production_settings_pass_check_deploy_without_warnings():
    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "styrdok.example",
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {**os.environ, "DJANGO_ENV": "production", "ALLOWED_HOSTS": "styrdok.example"}
    env.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
