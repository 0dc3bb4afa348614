"""factory_boy factories for the foundation's models, and a builder for a small municipality.

Every factory creates valid rows with no real person's name. ``build_municipality`` creates
the organisation the rule tests reason about (see its docstring for the shape).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import factory
from django.conf import settings
from django.contrib.auth.hashers import make_password
from factory.django import DjangoModelFactory

from documents.models import (
    OWN_AREA_ALWAYS,
    AdoptionRule,
    DeciderKind,
    Decision,
    DecisionKind,
    DecisionOutcome,
    DiarySeries,
    Document,
    DocumentType,
    DocumentVersion,
)
from org.models import (
    Body,
    BodyKind,
    BodyMembership,
    Position,
    PositionHolding,
    PositionKind,
    Process,
    SamverkanGroup,
    SamverkanLevel,
    Substitution,
    Union,
    UnionRepresentative,
    Unit,
    UnitLevel,
)

A_DAY = datetime.date(2026, 3, 2)
UNUSABLE_PASSWORD = make_password(None)

# --- Organisation ---------------------------------------------------------------


class UserFactory(DjangoModelFactory):
    class Meta:
        model = settings.AUTH_USER_MODEL
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"testperson{n}")
    first_name = factory.Sequence(lambda n: f"Testperson{n}")
    last_name = "Exempelsson"
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.invalid")
    # Hashing a real password is slow; tests that log in set one explicitly.
    password = UNUSABLE_PASSWORD
    is_active = True


class UnitLevelFactory(DjangoModelFactory):
    class Meta:
        model = UnitLevel
        django_get_or_create = ("depth",)

    depth = factory.Sequence(lambda n: n)
    name = factory.LazyAttribute(lambda o: f"Nivå {o.depth}")
    chief_title = factory.LazyAttribute(lambda o: f"chef nivå {o.depth}")
    samverkan_level = factory.LazyAttribute(
        lambda o: (
            SamverkanLevel.CENTRAL
            if o.depth == 0
            else SamverkanLevel.SECTOR
            if o.depth == 1
            else SamverkanLevel.UNIT
        )
    )


class UnitFactory(DjangoModelFactory):
    """A unit; with a parent, its level defaults to the one below the parent's."""

    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"Enhet {n}")
    code = factory.Sequence(lambda n: f"enhet-{n}")
    parent = None
    level = factory.LazyAttribute(
        lambda o: UnitLevelFactory(depth=o.parent.level.depth + 1 if o.parent else 0)
    )
    responsible_body = None


class BodyFactory(DjangoModelFactory):
    class Meta:
        model = Body

    name = factory.Sequence(lambda n: f"Nämnd {n}")
    short_name = factory.Sequence(lambda n: f"N{n}")
    kind = BodyKind.COMMITTEE
    prepares_for = None


class PositionFactory(DjangoModelFactory):
    class Meta:
        model = Position

    title = factory.Sequence(lambda n: f"Befattning {n}")
    kind = PositionKind.OFFICIAL
    unit = factory.SubFactory(UnitFactory)


class ChiefPositionFactory(PositionFactory):
    kind = PositionKind.CHIEF
    title = factory.LazyAttribute(lambda o: f"{o.unit.level.chief_title.capitalize()} {o.unit}")


class BodyMembershipFactory(DjangoModelFactory):
    class Meta:
        model = BodyMembership

    body = factory.SubFactory(BodyFactory)
    user = factory.SubFactory(UserFactory)
    start = datetime.date(2023, 1, 1)
    end = None


class PositionHoldingFactory(DjangoModelFactory):
    class Meta:
        model = PositionHolding

    position = factory.SubFactory(PositionFactory)
    user = factory.SubFactory(UserFactory)
    start = datetime.date(2020, 1, 1)
    end = None


class SubstitutionFactory(DjangoModelFactory):
    class Meta:
        model = Substitution

    position = factory.SubFactory(PositionFactory)
    user = factory.SubFactory(UserFactory)
    start = datetime.date(2026, 7, 1)
    end = datetime.date(2026, 7, 31)
    reason = "Semester"


class ProcessFactory(DjangoModelFactory):
    class Meta:
        model = Process

    name = factory.Sequence(lambda n: f"Process {n}")
    unit = factory.SubFactory(UnitFactory)
    owner_position = factory.SubFactory(
        PositionFactory,
        kind=PositionKind.PROCESS_OWNER,
        unit=factory.SelfAttribute("..unit"),
        title=factory.Sequence(lambda n: f"Processägare {n}"),
    )


class UnionFactory(DjangoModelFactory):
    class Meta:
        model = Union
        django_get_or_create = ("name",)

    name = factory.Iterator(
        ["Kommunal", "Vision", "Sveriges Lärare", "Vårdförbundet", "Akademikerförbundet SSR"]
    )


class SamverkanGroupFactory(DjangoModelFactory):
    class Meta:
        model = SamverkanGroup

    unit = factory.SubFactory(UnitFactory)
    name = factory.LazyAttribute(lambda o: f"Samverkansgrupp {o.unit}")
    level = factory.LazyAttribute(lambda o: o.unit.level.samverkan_level)
    chair_position = factory.SubFactory(ChiefPositionFactory, unit=factory.SelfAttribute("..unit"))


class UnionRepresentativeFactory(DjangoModelFactory):
    class Meta:
        model = UnionRepresentative

    group = factory.SubFactory(SamverkanGroupFactory)
    user = factory.SubFactory(UserFactory)
    union = factory.SubFactory(UnionFactory)
    start = datetime.date(2024, 1, 1)
    end = None


# --- Documents ------------------------------------------------------------------


class DocumentTypeFactory(DjangoModelFactory):
    class Meta:
        model = DocumentType
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"typ-{n}")
    name = factory.Sequence(lambda n: f"Dokumenttyp {n}")
    name_plural = factory.LazyAttribute(lambda o: f"{o.name}er")
    samverkan_required = True
    review_interval_months = 24
    default_validity_months = None


class AdoptionRuleFactory(DjangoModelFactory):
    class Meta:
        model = AdoptionRule

    document_type = factory.SubFactory(DocumentTypeFactory)
    decider = DeciderKind.UNIT_CHIEF
    allow_higher_bodies = False
    # As the kind requires: on for the kinds limited to their own area by definition.
    only_own_area = factory.LazyAttribute(lambda o: o.decider in OWN_AREA_ALWAYS)


class DiarySeriesFactory(DjangoModelFactory):
    class Meta:
        model = DiarySeries

    code = factory.Sequence(lambda n: f"S{n}")
    name = factory.LazyAttribute(lambda o: f"Diarium {o.code}")
    body = None
    is_default = False
    restart_each_year = True


class DocumentFactory(DjangoModelFactory):
    class Meta:
        model = Document

    title = factory.Sequence(lambda n: f"Dokument {n}")
    document_type = factory.SubFactory(DocumentTypeFactory)
    scope_unit = factory.SubFactory(UnitFactory)
    process = None
    owner_position = factory.SubFactory(PositionFactory, unit=factory.SelfAttribute("..scope_unit"))
    parent = None


class DocumentVersionFactory(DjangoModelFactory):
    class Meta:
        model = DocumentVersion

    document = factory.SubFactory(DocumentFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.LazyAttribute(lambda o: o.document.title)
    body = "<p>Text.</p>"


class DecisionFactory(DjangoModelFactory):
    """A decision by a body (the default) or, with ``body=None, position=...``, an official."""

    class Meta:
        model = Decision

    document = factory.SubFactory(DocumentFactory)
    version = None
    kind = DecisionKind.ADOPTION
    outcome = DecisionOutcome.ADOPTED
    body = factory.SubFactory(BodyFactory)
    position = None
    decision_date = A_DAY
    paragraph = "§ 26"


# --- A small municipality -------------------------------------------------------

DEFAULT_TYPES = [
    # code, name, plural, samverkan required
    ("vision", "Vision", "Visioner", False),
    ("program", "Politiskt program", "Politiska program", True),
    ("plan", "Kommunal plan", "Kommunala planer", True),
    ("policy", "Policy", "Policyer", True),
    ("riktlinje", "Riktlinje", "Riktlinjer", True),
    ("handlingsplan", "Handlingsplan", "Handlingsplaner", True),
    ("rutin", "Rutin", "Rutiner", True),
]

# DOMAIN.md section 1, as (decider, allow_higher_bodies).
DEFAULT_RULES = {
    "vision": [(DeciderKind.COUNCIL, False)],
    "program": [(DeciderKind.COUNCIL, False)],
    "plan": [(DeciderKind.COUNCIL, False)],
    "policy": [
        (DeciderKind.EXECUTIVE_BOARD, True),
        (DeciderKind.RESPONSIBLE_COMMITTEE, False),
        (DeciderKind.COMPANY_BOARD, False),
        (DeciderKind.MUNICIPAL_CHIEF, False),
    ],
    "riktlinje": [
        (DeciderKind.EXECUTIVE_BOARD, False),
        (DeciderKind.RESPONSIBLE_COMMITTEE, False),
        (DeciderKind.MUNICIPAL_CHIEF, False),
    ],
    "handlingsplan": [(DeciderKind.UNIT_CHIEF, False)],
    "rutin": [(DeciderKind.UNIT_CHIEF, False), (DeciderKind.PROCESS_OWNER, False)],
}


def build_default_rule_set() -> dict[str, DocumentType]:
    """The document types and adoption rules of DOMAIN.md section 1; returns types by code.

    Types that already exist (e.g. shipped by a data migration) are reused and their rules
    replaced, so the tests always reason about exactly this rule set.
    """
    types: dict[str, DocumentType] = {}
    for order, (code, name, plural, samverkan) in enumerate(DEFAULT_TYPES):
        doc_type, _ = DocumentType.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "name_plural": plural,
                "samverkan_required": samverkan,
                "ordering": order,
                "is_active": True,
            },
        )
        types[code] = doc_type
    AdoptionRule.objects.filter(document_type__in=types.values()).delete()
    AdoptionRule.objects.bulk_create(
        AdoptionRule(
            document_type=types[code],
            decider=decider,
            allow_higher_bodies=higher,
            only_own_area=decider in OWN_AREA_ALWAYS,
        )
        for code, rules in DEFAULT_RULES.items()
        for decider, higher in rules
    )
    types["riktlinje"].allowed_parent_types.set([types["policy"]])
    types["rutin"].allowed_parent_types.set([types["policy"], types["riktlinje"]])
    return types


@dataclass
class Municipality:
    """The small municipality built by ``build_municipality``; attributes name its parts."""

    levels: dict[str, UnitLevel]
    units: dict[str, Unit]
    bodies: dict[str, Body]
    positions: dict[str, Position]
    holders: dict[str, object]
    process: Process
    groups: dict[str, SamverkanGroup]
    types: dict[str, DocumentType] = field(default_factory=dict)

    def unit(self, key: str) -> Unit:
        return self.units[key]

    def candidate(self, key: str) -> dict[str, Body | Position]:
        """Keyword arguments for ``check_decider``: ``{"body": ...}`` or ``{"position": ...}``."""
        if key in self.bodies:
            return {"body": self.bodies[key]}
        return {"position": self.positions[key]}

    def candidate_object(self, key: str) -> Body | Position:
        return self.bodies.get(key) or self.positions[key]


def build_municipality(*, with_rules: bool = True) -> Municipality:
    """A small municipality that exercises every adoption and samverkan rule.

    Officials' tree (level depth, samverkan level)::

        Ådalens kommun (kommun 0, central)    responsible body KS     chief: Kommunchef
        |- Sektor Utbildning (sektor 1)       responsible body BUN    chief: Sektorschef
        |  `- Område Förskola (område 2)      (inherits BUN)          chief: Områdeschef
        |     `- Förskolan Solrosen (enhet 3) (inherits BUN)          chief: Enhetschef
        `- Ådalens Energi AB (sektor 1)       responsible body bolag  chief: VD

    Bodies: KF; KS prepares for KF; KSAU prepares for KS; BUN (a nämnd); the company board.
    Positions on the top unit: a process owner (process 'Rekrytering', municipality-wide) and
    a registrar. Samverkan groups: central (top), sector (Sektor Utbildning) and unit
    (Förskolan Solrosen); the område and the company have none of their own.
    """
    levels = {
        "kommun": UnitLevelFactory(
            depth=0, name="Kommun", chief_title="kommunchef", samverkan_level=SamverkanLevel.CENTRAL
        ),
        "sektor": UnitLevelFactory(
            depth=1, name="Sektor", chief_title="sektorschef", samverkan_level=SamverkanLevel.SECTOR
        ),
        "omrade": UnitLevelFactory(
            depth=2, name="Område", chief_title="områdeschef", samverkan_level=SamverkanLevel.UNIT
        ),
        "enhet": UnitLevelFactory(
            depth=3, name="Enhet", chief_title="enhetschef", samverkan_level=SamverkanLevel.UNIT
        ),
    }

    kf = BodyFactory(name="Kommunfullmäktige", short_name="KF", kind=BodyKind.COUNCIL)
    ks = BodyFactory(
        name="Kommunstyrelsen", short_name="KS", kind=BodyKind.EXECUTIVE_BOARD, prepares_for=kf
    )
    ksau = BodyFactory(
        name="Kommunstyrelsens arbetsutskott",
        short_name="KSAU",
        kind=BodyKind.WORKING_COMMITTEE,
        prepares_for=ks,
    )
    namnd = BodyFactory(
        name="Barn- och utbildningsnämnden", short_name="BUN", kind=BodyKind.COMMITTEE
    )
    bolag = BodyFactory(
        name="Styrelsen för Ådalens Energi AB", short_name="ÅEAB", kind=BodyKind.COMPANY_BOARD
    )

    top = UnitFactory(
        name="Ådalens kommun", code="kommun", level=levels["kommun"], responsible_body=ks
    )
    sector = UnitFactory(
        name="Sektor Utbildning",
        code="utbildning",
        level=levels["sektor"],
        parent=top,
        responsible_body=namnd,
    )
    area = UnitFactory(
        name="Område Förskola", code="forskola", level=levels["omrade"], parent=sector
    )
    unit = UnitFactory(
        name="Förskolan Solrosen", code="solrosen", level=levels["enhet"], parent=area
    )
    company = UnitFactory(
        name="Ådalens Energi AB",
        code="energi",
        level=levels["sektor"],
        parent=top,
        responsible_body=bolag,
    )

    def chief(key: str, title: str, of: Unit) -> Position:
        position = ChiefPositionFactory(title=title, unit=of)
        holders[key] = PositionHoldingFactory(
            position=position,
            user=UserFactory(username=key, first_name=title, last_name="Exempelsson"),
        ).user
        return position

    holders: dict[str, object] = {}
    positions = {
        "kommunchef": chief("kommunchef", "Kommunchef", top),
        "sektorschef": chief("sektorschef", "Sektorschef Utbildning", sector),
        "omradeschef": chief("omradeschef", "Områdeschef Förskola", area),
        "enhetschef": chief("enhetschef", "Enhetschef Solrosen", unit),
        "vd": chief("vd", "Verkställande direktör Energi", company),
        "processagare": PositionFactory(
            title="Processägare Rekrytering", kind=PositionKind.PROCESS_OWNER, unit=top
        ),
        "registrator": PositionFactory(title="Registrator", kind=PositionKind.REGISTRAR, unit=top),
    }
    holders["processagare"] = PositionHoldingFactory(
        position=positions["processagare"], user=UserFactory(username="processagare")
    ).user
    holders["registrator"] = PositionHoldingFactory(
        position=positions["registrator"], user=UserFactory(username="registrator")
    ).user
    process = ProcessFactory(name="Rekrytering", unit=top, owner_position=positions["processagare"])

    groups = {
        "central": SamverkanGroupFactory(
            name="Central samverkansgrupp", unit=top, chair_position=positions["kommunchef"]
        ),
        "sector": SamverkanGroupFactory(
            name="Samverkansgrupp Utbildning",
            unit=sector,
            chair_position=positions["sektorschef"],
        ),
        "unit": SamverkanGroupFactory(
            name="Samverkansgrupp Solrosen", unit=unit, chair_position=positions["enhetschef"]
        ),
    }
    for group, union in [
        ("central", "Vision"),
        ("sector", "Sveriges Lärare"),
        ("unit", "Kommunal"),
    ]:
        UnionRepresentativeFactory(group=groups[group], union=UnionFactory(name=union))

    return Municipality(
        levels=levels,
        units={"top": top, "sector": sector, "area": area, "unit": unit, "company": company},
        bodies={"KF": kf, "KS": ks, "KSAU": ksau, "namnd": namnd, "bolag": bolag},
        positions=positions,
        holders=holders,
        process=process,
        groups=groups,
        types=build_default_rule_set() if with_rules else {},
    )


class PublishedVersionFactory(DocumentVersionFactory):
    """A version adopted and then published with ``publish_version``: valid and searchable.

    ``document__summary="..."`` sets the document's summary; ``publish=False`` leaves the
    version adopted.
    """

    class Meta:
        skip_postgeneration_save = True

    status = "adopted"

    @factory.post_generation
    def publish(obj, create, extracted, **kwargs):
        from documents.services import publish_version

        if create and extracted is not False:
            publish_version(obj)


# --- Documents with a history (the document page) ---------------------------------

# A minimal PDF: the upload check recognises a PDF by its first bytes.
MINIMAL_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


class DiaryEntryFactory(DjangoModelFactory):
    class Meta:
        model = "documents.DiaryEntry"

    series = factory.SubFactory(DiarySeriesFactory)
    year = 2026
    number = factory.Sequence(lambda n: n + 1)
    title = "Ärende om ett styrdokument"


class VersionFileFactory(DjangoModelFactory):
    """An uploaded PDF of a version, stored in ``MEDIA_ROOT`` (point it at a temporary
    directory in the test)."""

    class Meta:
        model = "documents.VersionFile"

    version = factory.SubFactory(DocumentVersionFactory)
    file = factory.django.FileField(filename="upload.pdf", data=MINIMAL_PDF)
    original_name = "Rutin.pdf"
    content_type = "application/pdf"
    size = len(MINIMAL_PDF)
    sha256 = factory.LazyFunction(lambda: _sha256(MINIMAL_PDF))


def _sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def document_with_history(
    versions: int = 2,
    *,
    repealed: bool = False,
    body_texts: list[str] | None = None,
    decided_by: Body | None = None,
    series: DiarySeries | None = None,
    valid_until: datetime.date | None = None,
    author=None,
    decision_fields: dict | None = None,
    **document_fields,
) -> Document:
    """A document adopted ``versions`` times, as the lifecycle leaves it: versions 1..n-1
    superseded, version n valid (or repealed, with the document, when ``repealed``). Each
    version has an adoption decision (by ``decided_by``, a new body if not given; paragraph
    "§ <10 + n>") and a diarienummer in ``series`` (a new series if not given). Version k is
    valid from 1 March of 2015 + k.
    ``body_texts`` gives the versions' HTML (default "<p>Text i version k.</p>");
    ``valid_until`` the last version's valid-until date, ``author`` every version's author and
    ``decision_fields`` more fields of every adoption decision (as decided: none of them
    can be changed once the version is adopted).
    """
    from documents.models import DocumentStatus, VersionStatus

    body = decided_by or BodyFactory()
    series = series or DiarySeriesFactory()
    document = DocumentFactory(**document_fields)
    previous = None
    for k in range(1, versions + 1):
        valid_from = datetime.date(2015 + k, 3, 1)
        last = k == versions
        version = DocumentVersionFactory(
            document=document,
            number=k,
            title=document.title,
            body=body_texts[k - 1] if body_texts else f"<p>Text i version {k}.</p>",
            # Written as a draft and adopted in one save below, as the lifecycle does: the
            # database refuses to change an adopted version's decision afterwards.
            status=VersionStatus.DRAFT,
            diary_entry=DiaryEntryFactory(series=series, year=2015 + k, title=document.title),
            replaces=previous,
            valid_from=valid_from,
            next_review=datetime.date(2017 + k, 3, 1),
            created_by=author,
        )
        version.adoption = DecisionFactory(
            **{
                "document": document,
                "version": version,
                "body": body,
                "decision_date": valid_from - datetime.timedelta(days=20),
                "paragraph": f"§ {10 + k}",
                "diary_entry": version.diary_entry,
                **(decision_fields or {}),
            }
        )
        if last:
            version.status = VersionStatus.REPEALED if repealed else VersionStatus.VALID
            version.valid_until = valid_until
            if repealed:
                version.valid_until = datetime.date(2015 + k, 12, 31)
        if previous is not None:
            previous.status = VersionStatus.SUPERSEDED
            previous.superseded_on = valid_from
            previous.save(update_fields=["status", "superseded_on"])
        version.save()
        previous = version
    document.current_version = previous
    document.status = DocumentStatus.REPEALED if repealed else DocumentStatus.VALID
    if repealed:
        document.repealed_on = datetime.date(2015 + versions, 12, 31)
    document.save()
    return document


class MeetingFactory(factory.django.DjangoModelFactory):
    """A meeting of a political body; the deadline two weeks before the day."""

    class Meta:
        model = "workflows.Meeting"

    body = factory.SubFactory(BodyFactory)
    date = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=30))
    deadline = factory.LazyAttribute(lambda m: m.date - datetime.timedelta(days=14))
    place = "Kommunhuset"
