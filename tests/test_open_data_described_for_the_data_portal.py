"""Open data: a DCAT-AP-SE description (JSON-LD) of the register and the e-diarium with
their distributions (CSV, Atom, the API), an HTML page listing them, and the CSV downloads:
streamed, only what the public may see, at a fixed number of queries per chunk."""

from __future__ import annotations

import csv
import io
import json
from urllib.parse import urlsplit

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from documents import open_data, public_diarium
from documents.diarium import allocate, set_public
from tests.lifecycle import valid_document

DCAT = reverse("open_data_dcat")
REGISTER_CSV = reverse("open_data_register_csv")
DIARIUM_CSV = reverse("public_diarium_csv")


def rows(response) -> list[dict]:
    assert response.streaming
    content = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(content)))


def test_the_description_names_the_publisher_datasets_and_every_distribution(town, settings):
    settings.STYRDOK_PUBLISHER_NAME = "Ådalens kommun"
    settings.STYRDOK_PUBLISHER_URL = "https://www.adalen.se"
    settings.STYRDOK_PUBLISHER_EMAIL = "registrator@adalen.se"

    answer = Client().get(DCAT)

    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/ld+json")
    catalogue = json.loads(answer.content)
    assert catalogue["@type"] == "dcat:Catalog"
    assert catalogue["dcterms:publisher"]["foaf:name"] == "Ådalens kommun"
    assert catalogue["dcterms:publisher"]["@id"] == "https://www.adalen.se"
    datasets = {d["@id"].rsplit("#", 1)[1]: d for d in catalogue["dcat:dataset"]}
    assert set(datasets) == {"register", "diarium"}
    for dataset in datasets.values():
        assert dataset["dcterms:title"]["@value"] and dataset["dcterms:description"]["@value"]
        assert (
            dataset["dcat:contactPoint"]["vcard:hasEmail"]["@id"] == "mailto:registrator@adalen.se"
        )
        assert dataset["dcterms:publisher"]["@id"] == "https://www.adalen.se"
    paths = {
        name: {urlsplit(x["dcat:accessURL"]["@id"]).path for x in d["dcat:distribution"]}
        for name, d in datasets.items()
    }
    assert paths["register"] == {REGISTER_CSV, reverse("register_feed"), reverse("register-list")}
    assert paths["diarium"] == {
        DIARIUM_CSV,
        reverse("public_diarium_feed"),
        reverse("diarium-list"),
    }
    service = catalogue["dcat:service"][0]
    assert urlsplit(service["dcat:endpointDescription"]["@id"]).path == reverse("api-schema")
    served = {s["@id"] for s in service["dcat:servesDataset"]}
    assert served == {datasets["register"]["@id"], datasets["diarium"]["@id"]}


def test_every_address_the_description_gives_answers_an_anonymous_visitor(town):
    catalogue = json.loads(Client().get(DCAT).content)
    addresses = {catalogue["foaf:homepage"]["@id"]}
    for dataset in catalogue["dcat:dataset"]:
        addresses.add(dataset["dcat:landingPage"]["@id"])
        addresses |= {x["dcat:accessURL"]["@id"] for x in dataset["dcat:distribution"]}

    for address in addresses:
        answer = Client().get(urlsplit(address).path)
        assert answer.status_code == 200, address


def test_the_open_data_page_lists_the_datasets_and_their_feeds(town):
    page = Client().get(reverse("open_data"))

    assert page.status_code == 200
    body = page.content.decode()
    for name in ("open_data_dcat", "register_feed", "public_diarium_feed", "register-list"):
        assert (
            f'href="http://testserver{reverse(name)}"' in body or f'href="{reverse(name)}"' in body
        )
    assert "Styrdokument" in body and "E-diarium" in body


def test_the_register_csv_holds_public_register_versions_only(town):
    public = valid_document(town, type_code="policy", title="Offentlig policy")
    internal = valid_document(town, type_code="policy", title="Intern policy")
    internal.is_public = False
    internal.save()
    internal.versions.update(is_public=False)

    listed = rows(Client().get(REGISTER_CSV))

    assert [r["title"] for r in listed] == ["Offentlig policy"]
    line = listed[0]
    assert line["document_id"] == str(public.pk)
    assert line["status"] == "valid"
    assert line["owner"] == town.positions["hrstrateg"].title
    assert line["adopted_by"] == town.bodies["KS"].name
    assert line["url"].endswith(reverse("documents:version", args=[public.pk, 1]))


def test_the_diarium_csv_is_masked_as_the_page(town):
    hidden = allocate(town.series["KS"], "Klagomål från Anna Hemlig")
    shown = allocate(town.series["KS"], "Offentligt ärende")
    set_public(user=town.users["registrator"], entry_id=shown.pk, public=True)

    listed = {r["diarienummer"]: r for r in rows(Client().get(DIARIUM_CSV))}

    assert listed[hidden.diarienummer]["subject"] == ""
    assert listed[hidden.diarienummer]["public"] == "false"
    assert listed[shown.diarienummer]["subject"] == "Offentligt ärende"
    assert listed[shown.diarienummer]["registry"] == town.bodies["KS"].name


def _streamed_queries(url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        count = len(rows(Client().get(url)))
    return count, len(queries)


def test_the_register_csv_reads_one_query_per_chunk(town, monkeypatch):
    monkeypatch.setattr(open_data, "CSV_CHUNK", 2)
    for n in range(4):
        valid_document(town, type_code="policy", title=f"Policy {n}")
    four = _streamed_queries(REGISTER_CSV)
    for n in range(4, 8):
        valid_document(town, type_code="policy", title=f"Policy {n}")

    eight = _streamed_queries(REGISTER_CSV)

    assert four[0] == 4 and eight[0] == 8
    assert eight[1] - four[1] == 2  # two more chunks, one query each


def test_the_diarium_csv_reads_three_queries_per_chunk(town, monkeypatch):
    monkeypatch.setattr(public_diarium, "CSV_CHUNK", 2)
    for n in range(4):
        allocate(town.series["KS"], f"Ärende {n}")
    four = _streamed_queries(DIARIUM_CSV)
    for n in range(4, 8):
        allocate(town.series["KS"], f"Ärende {n}")

    eight = _streamed_queries(DIARIUM_CSV)

    assert four[0] == 4 and eight[0] == 8
    assert eight[1] - four[1] == 6  # two more chunks: the records, their cases, versions
