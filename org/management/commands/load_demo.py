"""``manage.py load_demo``: the fictional demo municipality Exempelkommun.

The data lives in ``fixtures/demo_municipality.py``; this module only loads it.
Loading is idempotent and never deletes or overwrites anything: every row is
looked up by its natural key and created only when missing. The one exception
is the demo's substitutes (ersättare), whose date ranges follow the day of
loading so that one of them is always active and one always in the past.
"""

from __future__ import annotations

import calendar
import datetime
import time
import zlib
from collections import Counter
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from django.test import override_settings
from django.utils import timezone, translation

from documents.diarium import allocate, series_for
from documents.models import (
    Decision,
    DecisionKind,
    DecisionOutcome,
    DiaryCounter,
    DiaryEntry,
    DiarySeries,
    Document,
    DocumentStatus,
    DocumentType,
    DocumentVersion,
    SearchTerm,
    VersionStatus,
)
from documents.rules import check_decider
from documents.search import index_versions
from documents.selectors import REGISTER_STATUSES
from fixtures.demo_desk import load_desk
from fixtures.demo_municipality import (
    BODIES,
    BODY_MEMBERS,
    DEMO_PASSWORD,
    DIARY_SERIES,
    DOCUMENTS,
    EMAIL_DOMAIN,
    HOLDING_START,
    LEVELS,
    PEOPLE,
    POSITIONS,
    PROCESSES,
    REPRESENTATIVE_START,
    SAMVERKAN_GROUPS,
    SUBSTITUTIONS,
    TOP_UNIT,
    UNIONS,
    UNITS,
    DocumentSpec,
    all_people,
)
from fixtures.reference_data import find_document_type, load_reference_data
from org.models import (
    Body,
    BodyMembership,
    Position,
    PositionHolding,
    PositionKind,
    Process,
    SamverkanGroup,
    Substitution,
    Union,
    UnionRepresentative,
    Unit,
    UnitLevel,
)
from workflows.actions.drafting import save_draft
from workflows.actions.start import start_new_document, start_revision
from workflows.models import Case, CaseKind

M = TypeVar("M", bound=models.Model)

# The demo's revision in progress: the document and what its author has added so far.
REVISED_DOCUMENT = "rutin-avvikelser-hemtjanst"
REVISION_ADDITION = (
    "<h2>Ändringar i nästa version</h2><p>Avvikelser som gäller nyckelhantering rapporteras "
    "också till enhetschefen samma dag.</p>"
)


# --- Dates ------------------------------------------------------------------


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` moved by whole months; the day of month is clamped (31 Jan + 1 = 28/29 Feb)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    last_day = calendar.monthrange(year, month0 + 1)[1]
    return datetime.date(year, month0 + 1, min(day.day, last_day))


def first_of_next_month(day: datetime.date) -> datetime.date:
    return add_months(day.replace(day=1), 1)


def weekday_on_or_before(day: datetime.date, weekday: int | None = None) -> datetime.date:
    """The given weekday (0 = Monday) on or before ``day``; without one, the last working day."""
    if weekday is None:
        return day - datetime.timedelta(days=max(0, day.weekday() - 4))
    return day - datetime.timedelta(days=(day.weekday() - weekday) % 7)


def next_working_day(day: datetime.date) -> datetime.date:
    while day.weekday() > 4:
        day += datetime.timedelta(days=1)
    return day


def mandate_period_start(day: datetime.date) -> datetime.date:
    """First day of the municipal mandate period containing ``day`` (15 Oct, every 4 years)."""
    year = day.year - (day.year - 2022) % 4
    start = datetime.date(year, 10, 15)
    return start if start <= day else datetime.date(year - 4, 10, 15)


# --- Loading ----------------------------------------------------------------


@dataclass
class VersionPlan:
    """When and by whom one version (or a repeal) of a demo document was decided."""

    number: int
    title: str
    body: Body | None
    position: Position | None
    decided_on: datetime.date
    registered_on: datetime.date
    paragraph: str = ""
    justering: datetime.date | None = None
    anslag: datetime.date | None = None
    legal_force: datetime.date | None = None
    valid_from: datetime.date | None = None
    valid_until: datetime.date | None = None
    next_review: datetime.date | None = None
    superseded_on: datetime.date | None = None
    series: DiarySeries | None = None
    entry: DiaryEntry | None = None


@dataclass
class DocumentPlan:
    spec: DocumentSpec
    document: Document
    versions: list[VersionPlan]
    repeal: VersionPlan | None


class DemoLoader:
    """Loads the demo municipality; ``created`` and ``updated`` count what changed."""

    def __init__(self, today: datetime.date) -> None:
        self.today = today
        self.created: Counter[str] = Counter()
        self.updated: Counter[str] = Counter()
        self.user_model = get_user_model()
        self.levels: dict[int, UnitLevel] = {}
        self.bodies: dict[str, Body] = {}
        self.new_bodies: set[str] = set()
        self.units: dict[str, Unit] = {}
        self.users: dict[str, Any] = {}
        self.positions: dict[str, Position] = {}
        self.holder_of: dict[str, Any] = {}
        self.processes: dict[str, Process] = {}
        self.unions: dict[str, Union] = {}
        self.documents: dict[str, Document] = {}
        self._password_hash: str | None = None

    # Helpers

    def ensure(
        self, label: str, model: type[M], lookup: dict[str, Any], defaults: dict[str, Any]
    ) -> tuple[M, bool]:
        """The row matching ``lookup``, created (validated) with ``defaults`` if missing."""
        obj = model._default_manager.filter(**lookup).first()
        if obj is not None:
            return obj, False
        obj = model(**lookup, **defaults)
        obj.clean()
        obj.save()
        self.created[label] += 1
        return obj, True

    def at(self, day: datetime.date, hour: int) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))

    def password_hash(self) -> str:
        # Hashing is deliberately slow; one hash serves every demo user.
        if self._password_hash is None:
            self._password_hash = make_password(DEMO_PASSWORD)
        return self._password_hash

    # Steps

    def run(self) -> None:
        self.refuse_other_organisation()
        result = load_reference_data()
        self.created.update(result.created)
        self.load_levels()
        self.load_bodies()
        self.load_units()
        self.load_people()
        self.load_positions()
        self.assign_secretaries()
        self.load_memberships()
        self.load_processes()
        self.load_substitutions()
        self.load_samverkan()
        self.load_diary_series()
        self.load_documents()
        self.index_for_search()
        load_desk(self)
        self.start_revision_in_progress()

    def start_revision_in_progress(self) -> None:
        """A valid rutin with its next version being drafted, through the lifecycle's
        services: the register's "under revision" has something to show."""
        spec = next(s for s in DOCUMENTS if s.key == REVISED_DOCUMENT)
        document = self.documents.get(spec.key)
        if document is None or document.status != DocumentStatus.VALID:
            return
        if Case.objects.filter(document=document, kind=CaseKind.REVISION).exists():
            return
        author = self.users[spec.author]
        case = start_revision(user=author, document=document)
        save_draft(
            user=author,
            case_id=case.pk,
            body=document.current_version.body + REVISION_ADDITION,
        )
        self.created["revideringar under arbete"] += 1
        self.created["dokumentversioner"] += 1
        self.created["diarienummer"] += 1

    def index_for_search(self) -> None:
        """The demo's history is written directly, not published, so index it here."""
        if SearchTerm.objects.exists():
            return
        index_versions(
            DocumentVersion.objects.filter(status__in=REGISTER_STATUSES)
            .select_related("document")
            .prefetch_related("files")
        )

    def refuse_other_organisation(self) -> None:
        other = Unit.objects.filter(parent__isnull=True).exclude(code=TOP_UNIT).first()
        if other is not None:
            raise CommandError(
                f"Databasen innehåller redan organisationen ”{other}”. Demokommunen läses bara "
                "in i en databas utan någon annan organisation."
            )

    def load_levels(self) -> None:
        for spec in LEVELS:
            level, _ = self.ensure(
                "organisationsnivåer",
                UnitLevel,
                {"depth": spec.depth},
                {
                    "name": spec.name,
                    "chief_title": spec.chief_title,
                    "samverkan_level": spec.samverkan_level,
                },
            )
            self.levels[spec.depth] = level

    def load_bodies(self) -> None:
        for spec in BODIES:
            body, created = self.ensure(
                "politiska organ",
                Body,
                {"short_name": spec.short_name},
                {
                    "name": spec.name,
                    "kind": spec.kind,
                    "prepares_for": self.bodies[spec.prepares_for] if spec.prepares_for else None,
                },
            )
            self.bodies[spec.short_name] = body
            if created:
                self.new_bodies.add(spec.short_name)

    def load_units(self) -> None:
        for spec in UNITS:
            unit, _ = self.ensure(
                "enheter",
                Unit,
                {"code": spec.code},
                {
                    "name": spec.name,
                    "level": self.levels[spec.depth],
                    "parent": self.units[spec.parent] if spec.parent else None,
                    "responsible_body": (
                        self.bodies[spec.responsible_body] if spec.responsible_body else None
                    ),
                },
            )
            self.units[spec.code] = unit

    def load_people(self) -> None:
        for spec in all_people():
            user = self.user_model._default_manager.filter(username=spec.username).first()
            if user is None:
                user = self.user_model(
                    username=spec.username,
                    first_name=spec.first_name,
                    last_name=spec.last_name,
                    email=f"{spec.username}@{EMAIL_DOMAIN}",
                    is_staff=spec.is_superuser,
                    is_superuser=spec.is_superuser,
                )
                user.password = self.password_hash()
                user.save()
                self.created["användare"] += 1
            self.users[spec.username] = user

    def hold(self, key: str, position: Position, username: str) -> None:
        user = self.users[username]
        self.ensure(
            "innehav av befattningar",
            PositionHolding,
            {"position": position, "user": user},
            {"start": HOLDING_START},
        )
        self.holder_of.setdefault(key, user)

    def load_positions(self) -> None:
        for spec in UNITS:
            key = f"chef:{spec.code}"
            position, _ = self.ensure(
                "befattningar",
                Position,
                # One chief position per unit, whatever an administrator renamed it to.
                {"unit": self.units[spec.code], "kind": PositionKind.CHIEF},
                {"title": spec.chief_title},
            )
            self.positions[key] = position
            self.hold(key, position, spec.chief)
        for spec in POSITIONS:
            position, _ = self.ensure(
                "befattningar",
                Position,
                {"unit": self.units[spec.unit], "title": spec.title},
                {"kind": spec.kind},
            )
            self.positions[spec.key] = position
            for username in spec.holders:
                self.hold(spec.key, position, username)

    def assign_secretaries(self) -> None:
        for spec in BODIES:
            if spec.short_name in self.new_bodies:
                body = self.bodies[spec.short_name]
                body.secretary_position = self.positions[spec.secretary]
                body.save(update_fields=["secretary_position"])

    def load_memberships(self) -> None:
        start = mandate_period_start(self.today)
        for short_name, members in BODY_MEMBERS.items():
            for username, role in members:
                self.ensure(
                    "ledamotskap",
                    BodyMembership,
                    {"body": self.bodies[short_name], "user": self.users[username]},
                    {"role": role, "start": start},
                )

    def load_processes(self) -> None:
        for spec in PROCESSES:
            process, _ = self.ensure(
                "processer",
                Process,
                {"name": spec.name},
                {
                    "description": spec.description,
                    "owner_position": self.positions[spec.owner],
                    "unit": self.units[spec.unit],
                },
            )
            self.processes[spec.name] = process

    def load_substitutions(self) -> None:
        for spec in SUBSTITUTIONS:
            position = self.positions[spec.position]
            user = self.users[spec.username]
            start = self.today + datetime.timedelta(days=spec.start_days)
            end = self.today + datetime.timedelta(days=spec.end_days)
            substitution, created = self.ensure(
                "ersättare",
                Substitution,
                {"position": position, "user": user},
                {"start": start, "end": end, "reason": spec.reason},
            )
            if not created and (substitution.start, substitution.end) != (start, end):
                substitution.start, substitution.end = start, end
                substitution.clean()
                substitution.save(update_fields=["start", "end"])
                self.updated["ersättare (datum flyttade till i dag)"] += 1

    def load_samverkan(self) -> None:
        for name in UNIONS:
            self.unions[name], _ = self.ensure("fackförbund", Union, {"name": name}, {})
        for spec in SAMVERKAN_GROUPS:
            group, _ = self.ensure(
                "samverkansgrupper",
                SamverkanGroup,
                {"unit": self.units[spec.unit]},
                {
                    "name": spec.name,
                    "level": spec.level,
                    "chair_position": self.positions[f"chef:{spec.unit}"],
                },
            )
            for username, union in spec.representatives:
                self.ensure(
                    "fackliga företrädare",
                    UnionRepresentative,
                    {"group": group, "user": self.users[username], "union": self.unions[union]},
                    {"start": REPRESENTATIVE_START},
                )

    def load_diary_series(self) -> None:
        for spec in DIARY_SERIES:
            if DiarySeries.objects.filter(code=spec.code).exists():
                continue
            body = self.bodies[spec.body]
            self.ensure(
                "diarieserier",
                DiarySeries,
                {"code": spec.code},
                {
                    "name": spec.name,
                    "body": None if DiarySeries.objects.filter(body=body).exists() else body,
                    "is_default": spec.is_default
                    and not DiarySeries.objects.filter(is_default=True).exists(),
                },
            )

    # Documents

    def load_documents(self) -> None:
        plans: list[DocumentPlan] = []
        drafts: list[tuple[DocumentSpec, DocumentType]] = []
        for spec in DOCUMENTS:
            document_type = find_document_type(spec.type)
            existing = Document.objects.filter(
                title=spec.title, document_type=document_type
            ).first()
            if existing is not None:
                self.documents[spec.key] = existing
                continue
            if not spec.versions:
                drafts.append((spec, document_type))
                continue
            plans.append(self.plan_document(spec, document_type))
        self.register_cases(plans)
        for plan in plans:
            self.create_versions(plan)
        # After the adopted documents exist, so a draft can implement one of them.
        for spec, document_type in drafts:
            self.start_draft_case(spec, document_type)

    def start_draft_case(self, spec: DocumentSpec, document_type: DocumentType) -> None:
        """Drafts are real cases, started and written through the lifecycle's services."""
        author = self.users[spec.author]
        case = start_new_document(
            user=author,
            document_type=document_type,
            title=spec.title,
            scope_unit=self.units[spec.scope],
            owner_position=self.positions[spec.owner],
            process=self.processes[spec.process] if spec.process else None,
            parent=self.documents[spec.parent] if spec.parent else None,
            is_public=spec.public,
            summary=spec.summary,
        )
        save_draft(user=author, case_id=case.pk, body=spec.body)
        self.documents[spec.key] = case.document
        self.created["dokument"] += 1
        self.created["dokumentversioner"] += 1
        self.created["diarienummer"] += 1

    def decider(self, by: str) -> tuple[Body | None, Position | None]:
        if ":" in by:
            return None, self.positions[by]
        return self.bodies[by], None

    def plan_decision(
        self, months_ago: int, by: str, title: str, paragraph: str | None
    ) -> VersionPlan:
        body, position = self.decider(by)
        target = add_months(self.today, -months_ago)
        if body is not None:
            weekday = next(b.meeting_weekday for b in BODIES if b.short_name == by)
            decided_on = weekday_on_or_before(target, weekday)
            justering = next_working_day(decided_on + datetime.timedelta(days=7))
            anslag = justering + datetime.timedelta(days=1)
            number = decided_on.timetuple().tm_yday * 2 // 5 + zlib.crc32(title.encode()) % 6 + 1
            return VersionPlan(
                number=0,
                title=title,
                body=body,
                position=None,
                decided_on=decided_on,
                # Political matters are prepared for a couple of months.
                registered_on=decided_on - datetime.timedelta(days=75),
                paragraph=paragraph or f"§ {number}",
                justering=justering,
                anslag=anslag,
                legal_force=anslag + datetime.timedelta(days=settings.STYRDOK_APPEAL_DAYS),
                valid_from=first_of_next_month(anslag),
            )
        decided_on = weekday_on_or_before(target)
        return VersionPlan(
            number=0,
            title=title,
            body=None,
            position=position,
            decided_on=decided_on,
            registered_on=decided_on - datetime.timedelta(days=24),
            valid_from=first_of_next_month(decided_on),
        )

    def check(self, spec: DocumentSpec, document_type: DocumentType, plan: VersionPlan) -> None:
        verdict = check_decider(
            document_type,
            self.units[spec.scope],
            self.processes[spec.process] if spec.process else None,
            body=plan.body,
            position=plan.position,
        )
        if not verdict.allowed:
            raise CommandError(
                f"Demodata bryter mot regeluppsättningen för ”{spec.title}”: {verdict.reason}"
            )

    def plan_document(self, spec: DocumentSpec, document_type: DocumentType) -> DocumentPlan:
        versions: list[VersionPlan] = []
        for number, version_spec in enumerate(spec.versions, start=1):
            plan = self.plan_decision(
                version_spec.months_ago,
                version_spec.by,
                version_spec.title or spec.title,
                version_spec.paragraph,
            )
            plan.number = number
            assert plan.valid_from is not None
            if document_type.default_validity_months:
                plan.valid_until = add_months(
                    plan.valid_from, document_type.default_validity_months
                ) - datetime.timedelta(days=1)
            plan.next_review = add_months(plan.valid_from, document_type.review_interval_months)
            self.check(spec, document_type, plan)
            versions.append(plan)
        for older, newer in zip(versions, versions[1:], strict=False):
            older.superseded_on = newer.valid_from
        if versions and versions[-1].valid_from > self.today:
            raise CommandError(f"Demodata: ”{spec.title}” skulle inte gälla ännu.")

        repeal = None
        if spec.repeal is not None:
            repeal = self.plan_decision(spec.repeal.months_ago, spec.repeal.by, spec.title, None)
            self.check(spec, document_type, repeal)

        for plan in [*versions, *([repeal] if repeal else [])]:
            plan.series = series_for(body=plan.body, scope_unit=self.units[spec.scope])

        parent = self.documents[spec.parent] if spec.parent else None
        first_day = versions[0].registered_on if versions else self.today - datetime.timedelta(20)
        document = Document(
            title=spec.title,
            document_type=document_type,
            scope_unit=self.units[spec.scope],
            process=self.processes[spec.process] if spec.process else None,
            owner_position=self.positions[spec.owner],
            parent=parent,
            summary=spec.summary,
            is_public=spec.public,
            status=DocumentStatus.DRAFT,
            created_at=self.at(first_day, 10),
        )
        document.clean()
        document.save()
        self.created["dokument"] += 1
        self.documents[spec.key] = document
        return DocumentPlan(spec, document, versions, repeal)

    def register_cases(self, plans: list[DocumentPlan]) -> None:
        """Issue diarienummer in date order, so numbers grow with time as in a real registry."""
        rates = {spec.code: spec.cases_per_day for spec in DIARY_SERIES}
        cases: list[tuple[VersionPlan, str]] = []
        for plan in plans:
            for version in plan.versions:
                verb = "Fastställande" if version.number == 1 else "Revidering"
                cases.append((version, f"{verb} av {plan.spec.title.lower()}"))
            if plan.repeal:
                cases.append((plan.repeal, f"Upphävande av {plan.spec.title.lower()}"))
        cases.sort(key=lambda case: case[0].registered_on)
        for version, title in cases:
            series, day = version.series, version.registered_on
            assert series is not None
            # Start each year's numbering where a registry of this size would be.
            year = day.year if series.restart_each_year else 0
            floor = int(day.timetuple().tm_yday * rates.get(series.code, 0.5))
            counter, _ = DiaryCounter.objects.get_or_create(series=series, year=year)
            if counter.last_number < floor:
                counter.last_number = floor
                counter.save(update_fields=["last_number"])
            entry = allocate(series, title, user=self.users["registrator"], on=day)
            entry.registered_at = self.at(day, 9)
            entry.save(update_fields=["registered_at"])
            version.entry = entry
            self.created["diarienummer"] += 1

    def record_decision(
        self,
        document: Document,
        version: DocumentVersion | None,
        plan: VersionPlan,
        kind: DecisionKind,
        position_key: str | None,
    ) -> Decision:
        if plan.body is not None:
            recorded_as = plan.body.secretary_position
            recorded_by = self.holder_of.get(
                next(b.secretary for b in BODIES if b.short_name == plan.body.short_name)
            )
            registered_on = plan.anslag
        else:
            recorded_as = plan.position
            recorded_by = self.holder_of.get(position_key or "")
            registered_on = next_working_day(plan.decided_on + datetime.timedelta(days=1))
        assert registered_on is not None
        decision = Decision(
            document=document,
            version=version,
            kind=kind,
            outcome=DecisionOutcome.ADOPTED,
            body=plan.body,
            position=plan.position,
            decision_date=plan.decided_on,
            paragraph=plan.paragraph,
            recorded_by=recorded_by,
            recorded_as=recorded_as,
            diary_entry=plan.entry,
            registered_at=self.at(registered_on, 10),
            registered_by=self.users["registrator"],
            justering_date=plan.justering,
            anslag_date=plan.anslag,
            legal_force_date=plan.legal_force,
            created_at=self.at(plan.decided_on, 16),
        )
        decision.full_clean(exclude=["minutes_extract"])
        decision.save()
        self.created["beslut"] += 1
        return decision

    def create_versions(self, plan: DocumentPlan) -> None:
        spec, document = plan.spec, plan.document
        author = self.users[spec.author]
        if not plan.versions:
            DocumentVersion.objects.create(
                document=document,
                number=1,
                status=VersionStatus.DRAFT,
                title=spec.title,
                body=spec.body,
                created_by=author,
                created_at=document.created_at,
            )
            self.created["dokumentversioner"] += 1
            return

        previous: DocumentVersion | None = None
        for version_plan, version_spec in zip(plan.versions, spec.versions, strict=True):
            is_newest = version_plan is plan.versions[-1]
            if not is_newest:
                status = VersionStatus.SUPERSEDED
            elif plan.repeal is not None:
                status = VersionStatus.REPEALED
            else:
                status = VersionStatus.VALID
            valid_until = version_plan.valid_until
            if status == VersionStatus.REPEALED:
                assert plan.repeal is not None
                valid_until = plan.repeal.decided_on
            # The decision first: an adopted version is written with its adoption decision,
            # which the database refuses to change afterwards (documents.protection).
            adoption = self.record_decision(
                document, None, version_plan, DecisionKind.ADOPTION, version_spec.by
            )
            version = DocumentVersion.objects.create(
                document=document,
                number=version_plan.number,
                status=status,
                title=version_plan.title,
                body=spec.body,
                diary_entry=version_plan.entry,
                adoption=adoption,
                replaces=previous,
                valid_from=version_plan.valid_from,
                valid_until=valid_until,
                next_review=version_plan.next_review,
                superseded_on=version_plan.superseded_on,
                created_by=author,
                created_at=self.at(version_plan.registered_on, 10),
            )
            self.created["dokumentversioner"] += 1
            adoption.version = version
            adoption.save(update_fields=["version"])
            previous = version

        assert previous is not None
        if plan.repeal is not None:
            self.record_decision(
                document, previous, plan.repeal, DecisionKind.REPEAL, spec.repeal.by
            )
            document.status = DocumentStatus.REPEALED
            document.repealed_on = plan.repeal.decided_on
        else:
            document.status = DocumentStatus.VALID
            document.current_version = previous
        document.save(update_fields=["status", "repealed_on", "current_version"])


class Command(BaseCommand):
    help = (
        "Loads the fictional demo municipality Exempelkommun (organisation, political bodies, "
        "people, positions, processes, samverkan groups, diary series and about 40 governing "
        "documents with versions and decisions), after the reference data "
        "(see load_reference_data). Runs in one transaction and is idempotent: rows are looked "
        "up by natural key and only missing ones are created; nothing is deleted or overwritten, "
        "except that the demo substitutes' dates follow the day of loading. Refuses to run in a "
        "database that holds another organisation. Prints the demo log-ins."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        # Demo drafts are started through the lifecycle, which e-mails the new tasks;
        # the demo's people have no real inboxes.
        quiet_mail = override_settings(
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"
        )
        with quiet_mail, translation.override("sv"), transaction.atomic():
            loader = DemoLoader(timezone.localdate())
            loader.run()
        elapsed = time.monotonic() - started

        if loader.created:
            self.stdout.write(self.style.SUCCESS("Demokommunen Exempelkommun är inläst."))
        elif loader.updated:
            self.stdout.write("Demokommunen Exempelkommun fanns redan.")
        else:
            self.stdout.write("Demokommunen Exempelkommun fanns redan – inget har ändrats.")
        for what, count in loader.created.items():
            self.stdout.write(f"  Skapade {count} {what}")
        for what, count in loader.updated.items():
            self.stdout.write(f"  Uppdaterade {count} {what}")
        self.stdout.write(f"  ({elapsed:.1f} s)")
        self.write_logins()

    def write_logins(self) -> None:
        people = all_people()
        name_of = {p.username: f"{p.first_name} {p.last_name}".strip() for p in people}
        user_width = max(len(p.username) for p in people) + 2
        name_width = max(len(n) for n in name_of.values()) + 2
        out = self.stdout
        out.write("")
        out.write(self.style.MIGRATE_HEADING("Demoinloggningar"))
        out.write(f"Lösenord för alla: {DEMO_PASSWORD}")
        out.write("(Användare som redan fanns behåller sitt lösenord.)")
        for heading, group in PEOPLE:
            out.write("")
            out.write(self.style.MIGRATE_LABEL(heading))
            for person in group:
                out.write(
                    f"  {person.username:<{user_width}}{name_of[person.username]:<{name_width}}"
                    f"{person.role}"
                )
