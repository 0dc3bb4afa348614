"""A municipality ready for the lifecycle, and a driver that clicks through its pages.

``build_town`` extends ``tests.factories.build_municipality`` with what a case needs to
travel from drafting to publication: secretaries for the political bodies, officials who
start cases, named union representatives in the samverkan groups, diary series, e-mail
addresses, and the document types' settings of the shipped reference data (a politiskt
program needs no samverkan; review intervals per type).

``Desk`` is one person's browser: a logged-in Django test client that opens a task page
and posts the step's form with the values the page shows, changed where the person
types something. ``run_until`` moves a case on with sensible answers until a step is
reached, for tests about a later step. Responses are in English (the language cookie) so
tests can compare messages with the source strings.
"""

from __future__ import annotations

import contextlib
import datetime
from dataclasses import dataclass, field
from unittest import mock

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from viewflow.workflow.models import Task

from audit.models import AuditEntry
from documents.models import (
    Decision,
    DecisionKind,
    DecisionOutcome,
    DiarySeries,
    Document,
    DocumentStatus,
    DocumentType,
    DocumentVersion,
    VersionStatus,
)
from documents.services import publish_version
from org.models import Position, PositionKind, UnionRepresentative
from org.selectors import holders
from tests.factories import (
    Municipality,
    PositionFactory,
    PositionHoldingFactory,
    UnionFactory,
    UnionRepresentativeFactory,
    UserFactory,
    build_municipality,
)
from tests.upload_support import pdf_from_objects
from workflows import access, routing
from workflows.actions.start import start_new_document
from workflows.forms import STEP_FORMS
from workflows.models import Case

User = get_user_model()

# The reference data's settings per type (fixtures/reference_data.py):
# (samverkan required, review interval in months, default validity in months).
TYPE_SETTINGS = {
    "vision": (False, 48, None),
    "program": (False, 48, None),
    "plan": (False, 48, None),
    "policy": (True, 48, None),
    "riktlinje": (True, 24, None),
    "handlingsplan": (True, 12, 12),
    "rutin": (True, 24, None),
}


def minimal_pdf(text: str = "Protokollsutdrag") -> bytes:
    """A small, well-formed one-page PDF showing ``text``."""
    stream = f"BT /F1 12 Tf 20 50 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return pdf_from_objects(objects)


PDF_BYTES = minimal_pdf()


def today() -> datetime.date:
    return timezone.localdate()


def days(n: int) -> datetime.date:
    """``n`` days from today (negative: ago)."""
    return today() + datetime.timedelta(days=n)


@contextlib.contextmanager
def days_pass(n: int):
    """Today is ``n`` days later (``timezone.localdate``) inside the block: for what waits for
    a date, since an adopted version's dates are decided and cannot be moved instead."""
    real = timezone.localdate

    def later(value=None, timezone=None):
        if value is not None:
            return real(value, timezone)
        return real(None, timezone) + datetime.timedelta(days=n)

    with mock.patch.object(timezone, "localdate", later):
        yield


def english():
    """Messages in English, for calls outside a request (the default language is Swedish)."""
    return translation.override("en")


def pdf(name: str = "protokollsutdrag.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@dataclass
class Town:
    """The municipality of ``build_municipality`` plus the people of the lifecycle.

    ``users`` and ``positions`` are keyed by short names (see ``build_town``);
    ``reps`` lists the union representatives per samverkan group key.
    """

    org: Municipality
    users: dict[str, User]
    positions: dict[str, Position]
    reps: dict[str, list[UnionRepresentative]]
    series: dict[str, DiarySeries]
    types: dict[str, DocumentType] = field(default_factory=dict)

    @property
    def units(self):
        return self.org.units

    @property
    def bodies(self):
        return self.org.bodies

    @property
    def groups(self):
        return self.org.groups

    @property
    def process(self):
        return self.org.process

    def desk(self, key_or_user) -> Desk:
        user = self.users[key_or_user] if isinstance(key_or_user, str) else key_or_user
        return Desk(user)


def _person(username: str, first: str, last: str = "Exempelsson"):
    return UserFactory(
        username=username,
        first_name=first,
        last_name=last,
        email=f"{username}@example.invalid",
    )


def _hold(position: Position, username: str, first: str):
    user = _person(username, first)
    PositionHoldingFactory(position=position, user=user, start=datetime.date(2020, 1, 1))
    return user


def build_town() -> Town:
    """``build_municipality`` plus:

    - users by key: the chiefs, ``processagare`` and ``registrator`` of the base
      municipality; secretaries ``sekr_ks``, ``sekr_ksau``, ``sekr_kf``, ``sekr_bun``
      (each body's ``secretary_position``); officials ``hrstrateg`` (Ådalens kommun),
      ``utvecklare`` (Sektor Utbildning), ``samordnare`` (Förskolan Solrosen) and
      ``ekonom`` (Ådalens Energi AB, unrelated to every case here);
    - union representatives: central group Vision and Kommunal, sector group Sveriges
      Lärare and Vision, unit group Kommunal (users ``<union>_<group>``);
    - diary series KS (for KS), BUN (for the nämnd) and a default series KLK;
    - the types' samverkan and review settings of the reference data.
    """
    org = build_municipality()
    users = dict(org.holders)
    for key, user in users.items():
        user.email = f"{key}@example.invalid"
        user.save(update_fields=["email"])
    positions = dict(org.positions)
    top, sector, unit = org.units["top"], org.units["sector"], org.units["unit"]

    for key, body_key, title, of in [
        ("sekr_ks", "KS", "Kommunsekreterare KS", top),
        ("sekr_ksau", "KSAU", "Sekreterare KSAU", top),
        ("sekr_kf", "KF", "Sekreterare KF", top),
        ("sekr_bun", "namnd", "Nämndsekreterare BUN", sector),
    ]:
        position = PositionFactory(title=title, kind=PositionKind.BODY_SECRETARY, unit=of)
        positions[key] = position
        users[key] = _hold(position, key, title)
        body = org.bodies[body_key]
        body.secretary_position = position
        body.save(update_fields=["secretary_position"])

    for key, title, of in [
        ("hrstrateg", "HR-strateg", top),
        ("utvecklare", "Verksamhetsutvecklare Utbildning", sector),
        ("samordnare", "Samordnare Solrosen", unit),
        ("ekonom", "Ekonom Energi", org.units["company"]),
    ]:
        position = PositionFactory(title=title, kind=PositionKind.OFFICIAL, unit=of)
        positions[key] = position
        users[key] = _hold(position, key, title)

    group_keys = {"central": "central", "sector": "utb", "unit": "solrosen"}
    reps: dict[str, list[UnionRepresentative]] = {}
    for group_key, group in org.groups.items():
        existing = list(UnionRepresentative.objects.filter(group=group).select_related("user"))
        for rep in existing:
            username = f"{rep.union.name.split()[-1].lower()}_{group_keys[group_key]}"
            rep.user.username = username
            rep.user.first_name = f"{rep.union.name}-ombud"
            rep.user.email = f"{username}@example.invalid"
            rep.user.save()
        reps[group_key] = existing
    for group_key, union in [("central", "Kommunal"), ("sector", "Vision")]:
        username = f"{union.lower()}_{group_keys[group_key]}"
        reps[group_key].append(
            UnionRepresentativeFactory(
                group=org.groups[group_key],
                union=UnionFactory(name=union),
                user=_person(username, f"{union}-ombud"),
            )
        )
    for group_reps in reps.values():
        for rep in group_reps:
            users[rep.user.username] = rep.user

    series = {
        "KS": DiarySeries.objects.create(
            code="KS", name="Kommunstyrelsens diarium", body=org.bodies["KS"]
        ),
        "BUN": DiarySeries.objects.create(
            code="BUN", name="Barn- och utbildningsnämndens diarium", body=org.bodies["namnd"]
        ),
        "KLK": DiarySeries.objects.create(
            code="KLK", name="Kommunledningskontorets diarium", is_default=True
        ),
    }

    types = org.types
    for code, (samverkan, review, validity) in TYPE_SETTINGS.items():
        doc_type = types[code]
        doc_type.samverkan_required = samverkan
        doc_type.review_interval_months = review
        doc_type.default_validity_months = validity
        doc_type.save()

    return Town(org=org, users=users, positions=positions, reps=reps, series=series, types=types)


# --- Reading the state of a case ------------------------------------------------


def step_of(task: Task) -> str:
    return task.flow_task.name


def open_tasks(case: Case, step: str | None = None) -> list[Task]:
    qs = Task.objects.filter(process=case, flow_task_type="HUMAN", status__in=access.OPEN_TASK)
    if step:
        qs = qs.filter(flow_task__endswith=f".{step}")
    return list(qs.order_by("pk"))


def open_steps(case: Case) -> list[str]:
    return sorted(step_of(t) for t in open_tasks(case))


def tasks_ever(case: Case, step: str) -> list[Task]:
    return list(Task.objects.filter(process=case, flow_task__endswith=f".{step}").order_by("pk"))


def audit_actions(case: Case) -> list[str]:
    return list(
        AuditEntry.objects.filter(case=case).order_by("at", "pk").values_list("action", flat=True)
    )


def decisions(case: Case):
    return Decision.objects.filter(diary_entry=case.diary_entry).order_by("pk")


def refresh(case: Case) -> Case:
    return Case.objects.select_related("diary_entry__series", "document", "version").get(pk=case.pk)


def snapshot(case: Case) -> dict:
    """Everything a refused action must leave untouched."""
    case = refresh(case)
    return {
        "tasks": list(
            Task.objects.filter(process=case)
            .order_by("pk")
            .values_list("pk", "status", "owner_id", "finished")
        ),
        "decisions": list(decisions(case).values_list("pk", "outcome", "registered_at")),
        "audit": list(
            AuditEntry.objects.filter(case=case).order_by("pk").values_list("pk", flat=True)
        ),
        "case": (
            case.current_step,
            case.outcome,
            case.finished,
            case.round,
            case.decider_body_id,
            case.decider_position_id,
        ),
        "version": (case.version.status, case.version.valid_from) if case.version_id else None,
        "document": (case.document.status, case.document.current_version_id),
    }


def shows(response, message: str) -> bool:
    """Whether the page shows ``message`` (HTML-escaped as the template renders it)."""
    return escape(message) in response.content.decode()


# --- One person's browser -------------------------------------------------------


def form_values(form) -> dict:
    """What the browser would submit for an untouched form: the values it shows."""
    data = {}
    for bound in form:
        if isinstance(bound.field, forms.FileField):
            continue
        value = bound.value()
        if isinstance(bound.field, forms.BooleanField):
            if value:
                data[bound.html_name] = "on"
            continue
        if value is None:
            continue
        if isinstance(value, datetime.date):
            value = value.isoformat()
        data[bound.html_name] = value
    return data


def _encode(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    if value is None:
        return ""
    return value


class Desk:
    """A person at their computer: a test client logged in as ``user``."""

    def __init__(self, user):
        self.user = user
        self.client = Client()
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        self.client.force_login(user)

    def __repr__(self) -> str:
        return f"<Desk {self.user.username}>"

    # Pages

    def get(self, url: str, **kwargs):
        return self.client.get(url, **kwargs)

    def post(self, url: str, data: dict | None = None, **kwargs):
        return self.client.post(url, data or {}, **kwargs)

    def inbox(self):
        return self.get(reverse("workflows:inbox"))

    def task_url(self, task: Task) -> str:
        return reverse("workflows:task", args=[task.pk])

    # Starting cases

    def start_document(
        self,
        *,
        document_type,
        title: str,
        scope_unit,
        owner_position,
        process=None,
        parent=None,
        is_public: bool = True,
        summary: str = "",
    ) -> Case:
        url = reverse("workflows:start")
        assert self.get(url).status_code == 200
        data = {
            "document_type": document_type.pk,
            "title": title,
            "scope_unit": scope_unit.pk,
            "process": process.pk if process else "",
            "owner_position": owner_position.pk,
            "parent": parent.pk if parent else "",
            "summary": summary,
        }
        if is_public:
            data["is_public"] = "on"
        response = self.post(url, data)
        assert response.status_code == 302, _errors(response)
        return Case.objects.filter(started_by=self.user).order_by("-pk").first()

    def start_revision(self, document: Document) -> Case:
        response = self.post(reverse("workflows:start_revision", args=[document.pk]))
        assert response.status_code == 302, _errors(response)
        return Case.objects.filter(document=document).order_by("-pk").first()

    def start_repeal(self, document: Document, motivation: str) -> Case:
        url = reverse("workflows:start_repeal", args=[document.pk])
        assert self.get(url).status_code == 200
        response = self.post(url, {"motivation": motivation})
        assert response.status_code == 302, _errors(response)
        return Case.objects.filter(document=document).order_by("-pk").first()

    # Tasks

    def task(self, case: Case, step: str) -> Task:
        """The open task of ``step`` this person would open (their own if there are several)."""
        tasks = open_tasks(case, step)
        if len(tasks) > 1:
            tasks = [t for t in tasks if t.owner_id == self.user.pk]
        assert len(tasks) == 1, f"{self}: expected one open {step} task, found {tasks}"
        return tasks[0]

    def open(self, case: Case, step: str):
        """GET the task page of ``step``; returns (task, response)."""
        task = self.task(case, step)
        response = self.get(self.task_url(task))
        return task, response

    def attempt(
        self,
        case: Case,
        step: str,
        *,
        action: str = "complete",
        task: Task | None = None,
        look: bool = True,
        **fields,
    ):
        """Open the task page and post its form as shown, with ``fields`` typed in.

        File fields are given as uploads (``SimpleUploadedFile``). With ``look=False`` the
        page is not fetched first (the form's values are computed here): for set-up steps.
        Returns the response.
        """
        task = task or self.task(case, step)
        url = self.task_url(task)
        data = {}
        if look:
            page = self.get(url)
            if page.status_code == 200 and page.context and page.context.get("form") is not None:
                data = form_values(page.context["form"])
        else:
            data = form_values(STEP_FORMS[step](case=Case.objects.get(pk=case.pk)))
        for name, value in fields.items():
            if isinstance(value, bool):
                if value:
                    data[name] = "on"
                else:
                    data.pop(name, None)
            else:
                data[name] = _encode(value)
        data["action"] = action
        return self.post(url, data)

    def complete(self, case: Case, step: str, **fields):
        """Like ``attempt``, and assert the step was done (redirect to the case page)."""
        response = self.attempt(case, step, **fields)
        assert response.status_code == 302, f"{self} {step}: {_errors(response)}"
        assert response.url == reverse("workflows:case", args=[case.pk]), response.url
        return response

    def inbox_task_ids(self) -> list[int]:
        response = self.inbox()
        assert response.status_code == 200
        return [row["task_id"] for row in response.context["rows"]]

    def do(self, case: Case, step: str, **fields):
        """What a person does: find the task in the inbox, open it, fill in, complete."""
        task = self.task(case, step)
        assert task.pk in self.inbox_task_ids(), f"{self}: {step} is not in the inbox"
        return self.complete(case, step, task=task, **fields)

    def form_data(self, task: Task) -> dict:
        """The values the task page's form shows, as the browser would post them."""
        return form_values(self.get(self.task_url(task)).context["form"])

    def claim(self, task: Task):
        return self.post(self.task_url(task), {"action": "claim"})

    def release(self, task: Task):
        return self.post(self.task_url(task), {"action": "release"})


def _errors(response) -> str:
    context = getattr(response, "context", None)
    form = context.get("form") if context else None
    if form is not None and form.errors:
        return f"{response.status_code}: {form.errors.as_text()}"
    return f"{response.status_code}"


# --- Moving a case on with ordinary answers -------------------------------------


def doer(town: Town, task: Task):
    """Who would do ``task``: its owner, the author, the registrar, or the position's holder."""
    if task.owner_id:
        return task.owner
    route = routing.route_of(task)
    case = Case.objects.get(pk=task.process_id)
    if route.kind == routing.TO_AUTHORS:
        return case.started_by
    if route.kind == routing.TO_REGISTRARS:
        return town.users["registrator"]
    holder = holders(route.position).first()
    assert holder is not None, f"Nobody holds {route.position}"
    return holder


def default_answers(case: Case, step: str) -> dict:
    """What a person typically enters in ``step``: adopt, valid from today."""
    by_body = case.decider_body_id is not None
    if step == "draft":
        return {"body": case.version.body or "<h2>Syfte</h2><p>Dokumentets text.</p>"}
    if step == "repeal_draft":
        return {}
    if step == "union_statement":
        return {"stance": "supports", "comment": ""}
    if step == "samverkan_meeting":
        return {
            "meeting_date": today(),
            "agreement": "agreement",
            "minutes_reference": "Protokoll samverkan § 1",
        }
    if step == "negotiation":
        return {
            "negotiation_date": today(),
            "outcome": "agreed",
            "minutes_reference": "MBL-protokoll",
        }
    if step == "proposal":
        return {"proposal": "Förslag till beslut: att anta dokumentet."}
    if step == "preparation":
        return {"meeting_date": today(), "paragraph": "§ 1", "outcome": "forwarded"}
    if step == "decision":
        answers = {
            "outcome": "adopted",
            "decision_date": today(),
            "paragraph": "§ 1" if by_body else "",
        }
        if case.kind != "repeal":
            answers["valid_from"] = today()
        return answers
    if step == "registration":
        if by_body:
            return {"minutes_extract": pdf(), "justering_date": today(), "anslag_date": today()}
        return {}
    raise KeyError(step)


def advance(town: Town, case: Case) -> list[str]:
    """Complete every open task of the case once with the default answers."""
    done = []
    for task in open_tasks(case):
        step = step_of(task)
        Desk(doer(town, task)).complete(
            case, step, task=task, look=False, **default_answers(refresh(case), step)
        )
        done.append(step)
    return done


def start_unit_handlingsplan(town: Town, title: str = "Handlingsplan att skriva") -> Case:
    """The official starts a handlingsplan for the unit through the service (no pages): its
    chief decides, the unit's samverkan group consults."""
    return start_new_document(
        user=town.users["samordnare"],
        document_type=town.types["handlingsplan"],
        title=title,
        scope_unit=town.units["unit"],
        owner_position=town.positions["enhetschef"],
    )


def run_until(town: Town, case: Case, step: str, *, limit: int = 12) -> Task:
    """Move the case on until ``step`` is open; returns its (single) open task."""
    for _ in range(limit):
        tasks = open_tasks(case, step)
        if tasks:
            return tasks[0]
        assert open_tasks(case), f"{case} has no open task and never reached {step}"
        advance(town, case)
    raise AssertionError(f"{case} did not reach {step}")


def run_to_end(town: Town, case: Case, *, limit: int = 12) -> Case:
    for _ in range(limit):
        if not open_tasks(case):
            return refresh(case)
        advance(town, case)
    raise AssertionError(f"{case} did not finish")


# --- Documents that are already valid -------------------------------------------


def valid_document(
    town: Town,
    *,
    type_code: str,
    title: str,
    scope: str = "top",
    owner: str = "hrstrateg",
    process=None,
    body: str = "<p>Gällande text.</p>",
    decided_by: str = "KS",
    valid_from: datetime.date | None = None,
    author=None,
) -> Document:
    """A document with one valid version, adopted earlier (set-up, not under test)."""
    decided_on = valid_from or days(-100)
    document = Document.objects.create(
        title=title,
        document_type=town.types[type_code],
        scope_unit=town.units[scope],
        process=process,
        owner_position=town.positions[owner],
    )
    version = DocumentVersion.objects.create(
        document=document,
        number=1,
        title=title,
        body=body,
        status=VersionStatus.DRAFT,
        created_by=author,
    )
    is_body = decided_by in town.bodies
    decision = Decision.objects.create(
        document=document,
        version=version,
        kind=DecisionKind.ADOPTION,
        outcome=DecisionOutcome.ADOPTED,
        body=town.bodies[decided_by] if is_body else None,
        position=None if is_body else town.positions[decided_by],
        decision_date=decided_on,
        paragraph="§ 9" if is_body else "",
    )
    # Adopted with its decision and date in one save, as the decision step does.
    version.status = VersionStatus.ADOPTED
    version.adoption = decision
    version.valid_from = decided_on
    version.save()
    with transaction.atomic():
        publish_version(version, on=decided_on)
    document.refresh_from_db()
    assert document.status == DocumentStatus.VALID
    return document
