"""Open data: the public register and the e-diarium as downloads and feeds, and their
description in the DCAT-AP-SE style (JSON-LD) that the national data portal
(dataportal.se) harvests.

The catalogue names two datasets, each with its distributions: the register (the API's
public part, CSV, Atom) and the e-diarium (its page, CSV, Atom). The publisher comes from
settings (``STYRDOK_PUBLISHER_*``). Every distribution gives what an anonymous visitor
sees: the register's selector asked for an anonymous user, the e-diarium's masking.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import DocumentVersion
from .open_csv import csv_response, keyset_chunks
from .selectors import register_versions

CSV_CHUNK = 500
EU = "http://publications.europa.eu/resource/authority/"
CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
}


# --- The register as CSV ------------------------------------------------------------------

REGISTER_HEADER = [
    "id",
    "document_id",
    "version",
    "title",
    "type",
    "status",
    "applies_to",
    "owner",
    "adopted_by",
    "decision_date",
    "paragraph",
    "diarienummer",
    "valid_from",
    "valid_until",
    "next_review",
    "url",
]


def _iso(day) -> str:
    return day.isoformat() if day else ""


def register_chunks() -> Iterator[list[DocumentVersion]]:
    """Every version of the public register (valid, superseded, repealed public documents),
    ``CSV_CHUNK`` at a time in id order: one query per chunk."""
    return keyset_chunks(register_versions(AnonymousUser()), ("pk",), CSV_CHUNK)


def _register_line(v: DocumentVersion, address) -> list:
    decision = v.adoption
    return [
        v.pk,
        v.document_id,
        v.number,
        v.title,
        v.document.document_type.name,
        v.status,
        v.document.scope_unit.name,
        v.document.owner_position.title,  # a position, never the person holding it
        decision.decider_name if decision else "",
        _iso(decision.decision_date) if decision else "",
        decision.paragraph if decision else "",
        v.diarienummer,
        _iso(v.valid_from),
        _iso(v.valid_until),
        _iso(v.next_review),
        address(v.document_id, v.number),
    ]


def register_csv(request):
    """Public: the public register, every version that has been in force, as CSV."""

    def lines(address):
        for versions in register_chunks():
            for v in versions:
                yield _register_line(v, address)

    return csv_response(request, "styrdokument.csv", REGISTER_HEADER, lines)


# --- The description (DCAT-AP-SE) ---------------------------------------------------------


def _text(value: str) -> dict:
    return {"@language": "sv", "@value": value}


def _distribution(url: str, title: str, media_type: str, file_type: str, **extra) -> dict:
    return {
        "@id": url + "#distribution",
        "@type": "dcat:Distribution",
        "dcterms:title": _text(title),
        "dcat:accessURL": {"@id": url},
        "dcat:mediaType": {"@id": f"https://www.iana.org/assignments/media-types/{media_type}"},
        "dcterms:format": {"@id": f"{EU}file-type/{file_type}"},
        "dcterms:license": {"@id": settings.STYRDOK_OPEN_DATA_LICENSE},
        **extra,
    }


def _download(url: str, title: str) -> dict:
    return _distribution(url, title, "text/csv", "CSV", **{"dcat:downloadURL": {"@id": url}})


def _feed(url: str, title: str) -> dict:
    return _distribution(url, title, "application/atom+xml", "ATOM")


def _dataset(absolute, name: str, title: str, description: str, keywords: list[str]) -> dict:
    return {
        "@id": absolute(reverse("open_data")) + f"#{name}",
        "@type": "dcat:Dataset",
        "dcterms:title": _text(title),
        "dcterms:description": _text(description),
        "dcterms:publisher": {"@id": settings.STYRDOK_PUBLISHER_URL},
        "dcat:contactPoint": {
            "@type": "vcard:Organization",
            "vcard:fn": settings.STYRDOK_PUBLISHER_NAME,
            "vcard:hasEmail": {"@id": f"mailto:{settings.STYRDOK_PUBLISHER_EMAIL}"},
        },
        "dcat:keyword": [_text(k) for k in keywords],
        "dcat:theme": {"@id": f"{EU}data-theme/GOVE"},
        "dcterms:language": {"@id": f"{EU}language/SWE"},
        "dcterms:accessRights": {"@id": f"{EU}access-right/PUBLIC"},
        "dcterms:accrualPeriodicity": {"@id": f"{EU}frequency/UPDATE_CONT"},
    }


def catalogue(absolute) -> dict:
    """The DCAT-AP-SE description of the open data, with ``absolute`` making a path an
    absolute address."""
    api = absolute(reverse("register-list"))
    diarium_api = absolute(reverse("diarium-list"))
    register = _dataset(
        absolute,
        "register",
        _("Governing documents"),
        _(
            "The municipality's public governing documents (policies, guidelines, plans, "
            "routines): every version that has been in force, with its decision record."
        ),
        ["styrdokument", "policy", "riktlinje", "rutin"],
    )
    register["dcat:landingPage"] = {"@id": absolute(reverse("register"))}
    register["dcat:distribution"] = [
        _download(absolute(reverse("open_data_register_csv")), _("Governing documents (CSV)")),
        _feed(absolute(reverse("register_feed")), _("New and repealed documents (Atom)")),
        _distribution(
            api,
            _("The register's API (JSON)"),
            "application/json",
            "JSON",
            **{"dcat:accessService": {"@id": api + "#service"}},
        ),
    ]
    diarium = _dataset(
        absolute,
        "diarium",
        _("E-diarium"),
        _(
            "The municipality's diarium: every diarienummer with its date, registry and status; "
            "the subject, decider and public documents of the records the registrar has made "
            "public. No personal data."
        ),
        ["diarium", "diarienummer", "allmänna handlingar"],
    )
    diarium["dcat:landingPage"] = {"@id": absolute(reverse("public_diarium"))}
    diarium["dcat:distribution"] = [
        _download(absolute(reverse("public_diarium_csv")), _("E-diarium (CSV)")),
        _feed(absolute(reverse("public_diarium_feed")), _("New diarium records (Atom)")),
        _distribution(
            diarium_api,
            _("The e-diarium's API (JSON)"),
            "application/json",
            "JSON",
            **{"dcat:accessService": {"@id": api + "#service"}},
        ),
    ]
    publisher = {
        "@id": settings.STYRDOK_PUBLISHER_URL,
        "@type": "foaf:Agent",
        "foaf:name": settings.STYRDOK_PUBLISHER_NAME,
        "foaf:homepage": {"@id": settings.STYRDOK_PUBLISHER_URL},
    }
    return {
        "@context": CONTEXT,
        "@id": absolute(reverse("open_data_dcat")),
        "@type": "dcat:Catalog",
        "dcterms:title": _text(
            _("Open data of %(name)s") % {"name": settings.STYRDOK_PUBLISHER_NAME}
        ),
        "dcterms:description": _text(_("Governing documents and the diarium, from Styrdok.")),
        "dcterms:publisher": publisher,
        "dcterms:language": {"@id": f"{EU}language/SWE"},
        "dcterms:license": {"@id": settings.STYRDOK_OPEN_DATA_LICENSE},
        "foaf:homepage": {"@id": absolute(reverse("open_data"))},
        "dcat:dataset": [register, diarium],
        "dcat:service": [
            {
                "@id": api + "#service",
                "@type": "dcat:DataService",
                "dcterms:title": _text(_("The API of the register and the e-diarium")),
                "dcat:endpointURL": {"@id": api},
                "dcat:endpointDescription": {"@id": absolute(reverse("api-schema"))},
                "dcat:servesDataset": [{"@id": register["@id"]}, {"@id": diarium["@id"]}],
                "dcterms:license": {"@id": settings.STYRDOK_OPEN_DATA_LICENSE},
            }
        ],
    }


def dcat_jsonld(request):
    """Public: the description as JSON-LD (``application/ld+json``)."""
    return JsonResponse(
        catalogue(request.build_absolute_uri),
        content_type="application/ld+json; charset=utf-8",
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )


def open_data_page(request):
    """Public: the datasets and their distributions, for people."""
    described = catalogue(request.build_absolute_uri)
    datasets = [
        {
            "title": d["dcterms:title"]["@value"],
            "description": d["dcterms:description"]["@value"],
            "landing": d["dcat:landingPage"]["@id"],
            "distributions": [
                {
                    "title": x["dcterms:title"]["@value"],
                    "url": x["dcat:accessURL"]["@id"],
                    "format": x["dcterms:format"]["@id"].rsplit("/", 1)[1],
                }
                for x in d["dcat:distribution"]
            ],
        }
        for d in described["dcat:dataset"]
    ]
    return render(
        request,
        "documents/open_data.html",
        {
            "datasets": datasets,
            "catalogue": described,
            "publisher": settings.STYRDOK_PUBLISHER_NAME,
        },
    )
