"""The descriptive metadata of a package (``metadata/descriptive/styrdok.xml``) and the
record of each case (``arende.xml`` in the records representation), in Styrdok's own
XML vocabulary (namespace ``urn:styrdok:arkiv:1``, described in docs/archive.md).

Only stored facts are written, never the time of the export: the same records give the
same bytes.
"""

from __future__ import annotations

from lxml import etree

from workflows.models import Case

from .selection import Selection

NS = "urn:styrdok:arkiv:1"


def _el(parent, tag: str, text=None, **attrs):
    node = etree.SubElement(parent, f"{{{NS}}}{tag}", {k: str(v) for k, v in attrs.items()})
    if text not in (None, ""):
        node.text = str(text)
    return node


def _name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _bytes(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _decision(parent, decision) -> None:
    node = _el(parent, "beslut", kind=decision.kind, utfall=decision.outcome)
    _el(node, "beslutsfattare", str(decision.body or decision.position or ""))
    _el(node, "datum", decision.decision_date)
    _el(node, "paragraf", decision.paragraph)
    _el(node, "motivering", decision.motivation)
    if decision.registered_at:
        registration = _el(node, "registrering")
        _el(registration, "registrerad", decision.registered_at.isoformat())
        _el(registration, "justering", decision.justering_date)
        _el(registration, "anslag", decision.anslag_date)
        _el(registration, "lagaKraft", decision.legal_force_date)


def _version(parent, version) -> None:
    document = version.document
    node = _el(parent, "version", dokument=document.pk, nummer=version.number)
    _el(node, "titel", version.title or document.title)
    _el(node, "dokumenttyp", document.document_type.name, kod=document.document_type.code)
    if version.diarienummer:
        _el(node, "diarienummer", version.diarienummer)
    _el(node, "status", version.status)
    _el(node, "omfattning", str(document.scope_unit) if document.scope_unit_id else "")
    _el(node, "dokumentansvarig", str(document.owner_position or ""))
    if document.parent_id:
        _el(node, "overordnat", document.parent.title, dokument=document.parent_id)
    if version.replaces_id:
        _el(node, "ersatter", version=version.replaces.number, id=version.replaces_id)
    _el(node, "giltigFran", version.valid_from)
    _el(node, "giltigTill", version.valid_until)
    _el(node, "nastaAktualitetsprovning", version.next_review)
    _el(node, "ersattDen", version.superseded_on)
    decisions = _el(node, "beslutslista")
    for decision in version.decisions.select_related("body", "position").order_by("pk"):
        _decision(decisions, decision)


def descriptive_xml(selection: Selection) -> bytes:
    """What the package is about: the selection, its versions and their decisions, and
    the diarienummer of its cases."""
    root = etree.Element(f"{{{NS}}}arkivpaket", nsmap={None: NS}, urval=selection.key)
    listing = _el(root, "versioner")
    for version in selection.versions:
        _version(listing, version)
    case_list = _el(root, "arenden")
    for case in selection.cases:
        _el(case_list, "arende", case.diary_entry.diarienummer, id=case.pk, typ=case.kind)
    return _bytes(root)


def _samverkan(parent, case: Case) -> None:
    node = _el(parent, "samverkan", grupp=str(case.samverkan_group or ""))
    for statement in case.statements.select_related("union", "representative").order_by("pk"):
        _el(
            node,
            "stallningstagande",
            statement.comment,
            facket=str(statement.union),
            representant=_name(statement.representative),
            stallning=statement.stance,
            omgang=statement.round,
            datum=statement.created_at.date(),
        )
    for meeting in case.samverkan_meetings.order_by("pk"):
        _el(
            node,
            "samverkansmote",
            meeting.reservations,
            datum=meeting.meeting_date,
            overenskommelse=meeting.agreement,
            protokoll=meeting.minutes_reference,
        )
    for negotiation in case.negotiations.order_by("pk"):
        _el(
            node,
            "forhandling",
            datum=negotiation.negotiation_date,
            utfall=negotiation.outcome,
            protokoll=negotiation.minutes_reference,
        )


def case_xml(case: Case) -> bytes:
    """One case's records: its samverkan (statements, meetings, negotiations), its
    preparation, its registered records and its outcome."""
    root = etree.Element(f"{{{NS}}}arende", nsmap={None: NS}, id=str(case.pk), typ=case.kind or "")
    _el(root, "diarienummer", case.diary_entry.diarienummer)
    _el(root, "rubrik", case.diary_entry.title)
    _el(root, "registrerat", case.diary_entry.registered_at.isoformat())
    _el(root, "beslutsfattare", str(case.decider or ""))
    _el(root, "utfall", case.outcome)
    _samverkan(root, case)
    preparation = _el(root, "beredning")
    for step in case.preparation_steps.select_related("body").order_by("pk"):
        _el(
            preparation,
            "steg",
            step.note,
            organ=str(step.body),
            datum=step.meeting_date or "",
            paragraf=step.paragraph,
            utfall=step.outcome,
        )
    records = _el(root, "handlingar")
    for record in case.registered_records.order_by("sequence"):
        _el(
            records,
            "handling",
            record.subject,
            nummer=record.sequence,
            riktning=record.direction,
            datum=record.record_date,
            motpart=record.counterpart,
            fil=record.original_name,
        )
    return _bytes(root)
