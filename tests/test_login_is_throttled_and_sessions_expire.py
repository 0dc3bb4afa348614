"""Repeated failed log-ins lock the user name and the address for a cool-off period
(django-axes) with a Swedish page; after the cool-off the right password works again.
Log-ins, log-outs and failures are in the audit trail (never the password). A log-in ends
after the absolute session age or after the idle limit."""

from __future__ import annotations

import datetime
import time

import pytest
from axes.models import AccessAttempt
from django.test import Client

from audit.models import AuditEntry
from config.middleware import SessionTimeoutMiddleware
from tests.factories import UserFactory

PASSWORD = "ett-långt-lösenord-1"
WRONG = "fel-lösenord-hemligt"


@pytest.fixture
def anna(db):
    user = UserFactory(username="anna")
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def bertil(db):
    user = UserFactory(username="bertil")
    user.set_password(PASSWORD)
    user.save()
    return user


def log_in(username: str, password: str, ip: str = "10.0.0.1", client: Client | None = None):
    client = client or Client()
    return client.post(
        "/login/", {"username": username, "password": password}, REMOTE_ADDR=ip
    ), client


def test_five_failures_for_a_user_lock_that_user_from_every_address(anna, settings):
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        response, _ = log_in("anna", WRONG, ip=f"10.0.1.{n}")
        assert response.status_code == 200  # the form again, with an error
    fifth, _ = log_in("anna", WRONG, ip="10.0.1.9")
    assert fifth.status_code == 429  # the failure that reaches the limit locks at once

    response, _ = log_in("anna", PASSWORD, ip="10.0.2.1")

    assert response.status_code == 429
    body = response.content.decode()
    assert "Inloggningen är tillfälligt spärrad" in body
    assert "15 minuter" in body
    assert "_auth_user_id" not in response.wsgi_request.session


def test_five_failures_from_an_address_lock_every_user_name_there(anna, bertil, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in(f"gissning{n}", WRONG, ip="10.0.3.3")

    locked, _ = log_in("bertil", PASSWORD, ip="10.0.3.3")
    elsewhere, _ = log_in("bertil", PASSWORD, ip="10.0.3.4")

    assert locked.status_code == 429
    assert elsewhere.status_code == 302


def test_fewer_failures_do_not_lock_and_success_resets_the_count(anna, settings):
    for _n in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in("anna", WRONG)
    ok, _ = log_in("anna", PASSWORD)
    assert ok.status_code == 302

    for _n in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in("anna", WRONG)
    assert log_in("anna", PASSWORD)[0].status_code == 302


def test_after_the_cool_off_the_right_password_works(anna, settings):
    for _n in range(settings.AXES_FAILURE_LIMIT):
        log_in("anna", WRONG)
    assert log_in("anna", PASSWORD)[0].status_code == 429

    past = datetime.timedelta(minutes=16)
    for attempt in AccessAttempt.objects.all():
        AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=attempt.attempt_time - past)

    response, client = log_in("anna", PASSWORD)
    assert response.status_code == 302
    assert client.get("/").context["user"] == anna


def test_log_ins_failures_and_log_outs_are_audited_without_the_password(anna, settings):
    log_in("anna", WRONG, ip="10.0.4.4")
    log_in("nobody", WRONG, ip="10.0.4.5")
    response, client = log_in("anna", PASSWORD, ip="10.0.4.6")
    client.post("/logout/", REMOTE_ADDR="10.0.4.6")

    entries = list(AuditEntry.objects.order_by("pk"))
    assert [(e.action, e.target_label, e.ip_address) for e in entries] == [
        ("login_failed", "anna", "10.0.4.4"),
        ("login_failed", "nobody", "10.0.4.5"),
        ("login", str(anna), "10.0.4.6"),
        ("logout", str(anna), "10.0.4.6"),
    ]
    assert entries[0].actor is None and entries[2].actor == anna
    for e in entries:
        assert WRONG not in f"{e.comment}{e.target_label}" and PASSWORD not in e.comment


def test_a_lockout_is_audited(anna, settings):
    for _n in range(settings.AXES_FAILURE_LIMIT):
        log_in("anna", WRONG, ip="10.0.5.5")

    locked = AuditEntry.objects.filter(action="login_locked_out")
    assert [(e.target_label, e.ip_address) for e in locked][:1] == [("anna", "10.0.5.5")]


def test_behind_a_proxy_the_forwarded_address_counts(anna, settings):
    settings.STYRDOK_TRUSTED_PROXY_COUNT = 1
    for n in range(settings.AXES_FAILURE_LIMIT):
        Client().post(
            "/login/",
            {"username": f"x{n}", "password": WRONG},
            REMOTE_ADDR="192.0.2.1",
            HTTP_X_FORWARDED_FOR=f"1.2.3.4, 198.51.100.{n}",  # left part is the client's own
        )
    # Each attempt came from another client address: nothing is locked for a new one.
    ok = Client().post(
        "/login/",
        {"username": "anna", "password": PASSWORD},
        REMOTE_ADDR="192.0.2.1",
        HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.77",
    )
    assert ok.status_code == 302
    assert AuditEntry.objects.filter(action="login").get().ip_address == "198.51.100.77"


def _shift_session(client: Client, seconds: int, *, keys=("login", "seen")):
    session = client.session
    if "login" in keys:
        session[SessionTimeoutMiddleware.LOGIN_KEY] -= seconds
    if "seen" in keys:
        session[SessionTimeoutMiddleware.SEEN_KEY] -= seconds
    session.save()


def test_a_session_ends_after_the_absolute_age(anna, settings):
    _, client = log_in("anna", PASSWORD)
    assert client.get("/work/").status_code == 200
    # Active all day, but logged in longer than SESSION_COOKIE_AGE.
    _shift_session(client, settings.SESSION_COOKIE_AGE + 60, keys=("login",))

    response = client.get("/work/")

    assert response.status_code == 302 and "/login/" in response.url
    assert AuditEntry.objects.filter(action="logout", comment="session expired").exists()


def test_a_session_ends_after_being_idle(anna, settings):
    _, client = log_in("anna", PASSWORD)
    _shift_session(client, settings.STYRDOK_SESSION_IDLE_SECONDS + 60)

    response = client.get("/work/")

    assert response.status_code == 302 and "/login/" in response.url


def test_an_active_session_within_the_limits_stays(anna, settings):
    _, client = log_in("anna", PASSWORD)
    _shift_session(client, settings.STYRDOK_SESSION_IDLE_SECONDS - 120)

    assert client.get("/work/").status_code == 200
    assert client.session[SessionTimeoutMiddleware.SEEN_KEY] >= int(time.time()) - 5


def test_sessions_end_when_the_browser_closes(settings):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert 8 * 3600 <= settings.SESSION_COOKIE_AGE <= 10 * 3600


def test_password_validators_refuse_short_and_common_passwords(db):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ["kort", "password123", "12345678901234"]:
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("Fyra-ord-som-bildar-en-mening")
