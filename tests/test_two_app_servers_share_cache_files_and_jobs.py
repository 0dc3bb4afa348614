"""Two app servers behind one load balancer, on one PostgreSQL, one Redis and one S3 bucket.

Two gunicorn processes with production settings (``tests.app_servers``) serve the committed
test database; moto's S3 server is the bucket. What one server does, the other shows at
once: a file uploaded through one is downloaded through the other, a publication through
one is in the other's register page and API at once (its page cache notwithstanding), the
API's throttle counts the requests to both, and the nightly job started on both at the
same moment publishes each version once.

Runs when ``REDIS_URL`` names a Redis database this test may empty (CI sets it; e.g.
``REDIS_URL=redis://127.0.0.1:6379/6``) and the tests run on PostgreSQL.
"""

from __future__ import annotations

import os
import subprocess
import sys
from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.admin import site
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.urls import reverse

from audit.models import AuditEntry
from documents.models import VersionFile
from tests.app_servers import AppServer, Visitor, ports, server_environment
from tests.lifecycle import (
    build_town,
    days,
    form_values,
    minimal_pdf,
    open_tasks,
    refresh,
    run_until,
    today,
)
from workflows.forms import STEP_FORMS
from workflows.models import Case

pytestmark = [
    pytest.mark.multiserver,
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
]

REDIS_URL = os.environ.get("REDIS_URL", "")
BUCKET = "styrdok-test"
ANON_RATE = 6  # the API's anonymous requests per minute on the test servers


@pytest.fixture
def redis_db():
    """The shared cache's Redis database, emptied before and after."""
    if not REDIS_URL:
        pytest.skip(
            "set REDIS_URL=redis://127.0.0.1:6379/<n>, a Redis database this test may empty, "
            "to run the two-server test"
        )
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
    try:
        client.ping()
    except redis.RedisError as exc:  # named but not there: a failure, not a skip
        pytest.fail(f"REDIS_URL={REDIS_URL} does not answer: {exc}")
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


@pytest.fixture
def bucket():
    """moto's S3 server on this machine with one empty, private bucket."""
    import boto3
    from moto.server import ThreadedMotoServer

    port = ports()[2]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    s3 = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    s3.create_bucket(Bucket=BUCKET)
    yield endpoint, s3
    server.stop()


@pytest.fixture
def environment(transactional_db, redis_db, bucket, tmp_path) -> dict[str, str]:
    endpoint, _s3 = bucket
    return server_environment(
        redis_url=REDIS_URL,
        s3_endpoint=endpoint,
        bucket=BUCKET,
        tmp=tmp_path,
        API_ANON_RATE=f"{ANON_RATE}/minute",
    )


@pytest.fixture
def servers(environment, tmp_path):
    """Server A and server B, started together; stopped before the database is emptied."""
    first, second, _s3 = ports()
    pair = [
        AppServer("server A", first, environment, tmp_path / "a.log"),
        AppServer("server B", second, environment, tmp_path / "b.log"),
    ]
    try:
        for server in pair:
            server.start()
        for server in pair:
            server.wait_ready()
        yield pair
    finally:
        for server in pair:
            server.stop()


def session_of(user) -> str:
    """A log-in of ``user`` in the shared session table, as both servers read it."""
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def start_handlingsplan(town, title: str) -> Case:
    return town.desk("samordnare").start_document(
        document_type=town.types["handlingsplan"],
        title=title,
        scope_unit=town.units["unit"],
        owner_position=town.positions["enhetschef"],
    )


def task_url(case: Case, step: str) -> str:
    (task,) = open_tasks(case, step)
    return reverse("workflows:task", args=[task.pk])


def step_form(case: Case, step: str, **typed) -> dict:
    """What the step's page would post, untouched but for ``typed``."""
    return {**form_values(STEP_FORMS[step](case=refresh(case))), **typed}


def superuser():
    return get_user_model().objects.create_superuser("admin", "admin@example.invalid", "x" * 20)


def admin_form(obj, user) -> dict:
    """What the admin's change form of ``obj`` would post to ``user``, untouched."""
    request = RequestFactory().get("/")
    request.user = user
    form = site._registry[type(obj)].get_form(request, obj)(instance=obj)
    return form_values(form)


# The nightly job on a server whose clock says ``days`` later: an adopted version's dates
# are decided (the database refuses to move them), so time passes instead.
LATER_JOB = """
import datetime, sys
from django.utils import timezone
real = timezone.localdate
def later(value=None, timezone=None):
    day = real(value, timezone)
    return day if value is not None else day + datetime.timedelta(days={days})
timezone.localdate = later
from django.core.management import execute_from_command_line
execute_from_command_line(["manage.py", "publish_due_versions"])
"""


def run_job(environment, *, days_later: int = 0) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-c", LATER_JOB.format(days=days_later)],
        cwd=settings.BASE_DIR,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_two_servers_share_sessions_files_register_throttle_and_jobs(
    servers, environment, redis_db, bucket, tmp_path
):
    a, b = servers
    endpoint, s3 = bucket
    town = build_town()
    author = session_of(town.users["samordnare"])
    registrar = session_of(town.users["registrator"])

    # --- A file uploaded through A is downloaded through B, from the bucket. ---------------
    case = start_handlingsplan(town, "Handlingsplan för zebraövergångar")
    upload = minimal_pdf("Zebraövergångar vid förskolan")
    saved = Visitor(a, author).post(
        task_url(case, "draft"),
        step_form(
            case,
            "draft",
            action="save",
            upload=SimpleUploadedFile("plan.pdf", upload, content_type="application/pdf"),
        ),
    )
    assert saved.status == 302, a.log_tail()
    stored = VersionFile.objects.get(version_id=case.version_id)
    downloaded = Visitor(b, author).get(f"/work/cases/{case.pk}/files/{stored.pk}/")
    assert downloaded.status == 200, b.log_tail()
    assert downloaded.body == upload
    assert "attachment" in downloaded.headers["Content-Disposition"]
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
    assert keys == [stored.file.name]
    grants = s3.get_object_acl(Bucket=BUCKET, Key=stored.file.name)["Grants"]
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]  # the owner's, no one else's
    assert not [g for g in grants if "URI" in g["Grantee"]]  # no AllUsers, no AuthenticatedUsers
    # No server kept a copy on its own disk, and B's page links to Styrdok, not the bucket.
    assert not any((tmp_path / "media").rglob("*"))
    page = Visitor(b, author).get(f"/work/cases/{case.pk}/").text
    assert endpoint not in page and BUCKET not in page
    # Another person is not given the file by either server.
    stranger = session_of(town.users["ekonom"])
    for server in servers:
        assert (
            Visitor(server, stranger).get(f"/work/cases/{case.pk}/files/{stored.pk}/").status == 404
        )

    # --- A publication through A is in B's register and API at once. -------------------
    search = f"/register/?q={quote('zebraövergångar')}"
    api = f"/api/v1/register/?q={quote('zebraövergångar')}"
    title = "Handlingsplan för zebraövergångar"
    for server in servers:  # both pages rendered, and cached, before the publication
        assert title not in Visitor(server).get(search).text
    assert redis_db.keys("*register-page*"), "the page cache is not the shared Redis"
    assert title not in Visitor(b).get(api).text

    run_until(town, case, "registration")
    registered = Visitor(a, registrar).post(
        task_url(case, "registration"), step_form(case, "registration", action="complete")
    )
    assert registered.status == 302, a.log_tail()
    assert refresh(case).outcome == "published"
    assert title in Visitor(b).get(search).text
    assert title in Visitor(b).get(api).text
    assert title in Visitor(a).get(search).text

    # --- A unit renamed in A's admin is renamed in B's register rows at once. -----------
    # (B keeps the names its rows show in its own memory, per generation of the register.)
    unit = town.units["unit"]
    assert unit.name in Visitor(b).get(search).text
    admin = superuser()
    renamed = Visitor(a, session_of(admin)).post(
        reverse("admin:org_unit_change", args=[unit.pk]),
        {**admin_form(unit, admin), "name": "Förskolan Zebran", "_save": "Spara"},
    )
    assert renamed.status == 302, a.log_tail()
    assert "Förskolan Zebran" in Visitor(b).get(search).text

    # --- The desk's figures, cached by one server, are read by the other. ----------------
    assert Visitor(a, registrar).get("/work/desk/").status == 200, a.log_tail()
    assert redis_db.keys("*desk:figures*")
    assert Visitor(b, registrar).get("/work/desk/").status == 200, b.log_tail()

    # --- The nightly job, started on both servers at once, publishes each version once. --
    waiting = []
    for title_ in ("Handlingsplan för cykelparkering", "Handlingsplan för skolgårdar"):
        due = start_handlingsplan(town, title_)
        run_until(town, due, "decision")
        town.desk("enhetschef").complete(
            due, "decision", outcome="adopted", decision_date=today(), valid_from=days(30)
        )
        town.desk("registrator").complete(due, "registration")
        assert refresh(due).current_step == "await_valid_from"
        waiting.append(refresh(due))
    # Thirty days pass: the valid-from date has come.
    jobs = [run_job(environment, days_later=30), run_job(environment, days_later=30)]
    outputs = [job.communicate(timeout=120)[0] for job in jobs]
    assert [job.returncode for job in jobs] == [0, 0], outputs
    assert sum("2 version(s) published." in out for out in outputs) == 1, outputs
    assert all(
        "2 version(s) published." in out
        or "0 version(s) published." in out
        or "already running" in out
        for out in outputs
    ), outputs
    for due in waiting:
        assert refresh(due).outcome == "published"
        assert AuditEntry.objects.filter(case=due, action="version_published").count() == 1, outputs

    # --- The API's throttle counts the anonymous requests to both servers together. -----
    for key in redis_db.scan_iter("*throttle*"):
        redis_db.delete(key)
    answers = [Visitor(servers[i % 2]).get("/api/v1/register/").status for i in range(ANON_RATE)]
    assert answers == [200] * ANON_RATE
    # The next one is refused by whichever server gets it, a forged address included.
    assert Visitor(a).get("/api/v1/register/").status == 429
    assert Visitor(b).get("/api/v1/register/", **{"X-Forwarded-For": "10.9.8.7"}).status == 429
    # A logged-in caller is not an anonymous one.
    assert Visitor(b, registrar).get("/api/v1/register/").status == 200

    for server in servers:
        assert "Traceback" not in server.log_tail(400), server.log_tail(400)
