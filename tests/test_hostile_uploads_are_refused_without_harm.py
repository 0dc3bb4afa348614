"""A DOCX or ODT built to take a server down (a zip bomb, an archive whose directory lies
or lists tens of thousands of parts, XML with entity declarations) is refused before
anything large is unpacked: memory stays bounded, nothing is saved, and the form that
uploaded it (the draft's task page, the minutes extract at registration, the registrar's
records) says why in Swedish and still holds what the user typed. A genuine document
whose text is longer than the budget is accepted, with the text read within it.

The hostile files are built by the tests (tests/upload_support.py), never committed.
"""

from __future__ import annotations

import functools
import logging
import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from documents.files import DOCX, check_upload
from documents.models import VersionFile
from documents.upload_limits import Refused
from tests import upload_support
from tests.desk_support import ks_policy
from tests.lifecycle import days, open_steps, refresh, shows, snapshot
from tests.upload_support import handlingsplan_draft, policy_at_registration, swedish
from workflows.models import RegisteredRecord

UNPACKS_TOO_LARGE = "Filen packas upp till mer än 200,0\xa0MB, vilket inget vanligt dokument gör"
COMPRESSED = "En del av filen är komprimerad"
DAMAGED = "Filen är skadad: innehållet stämmer inte med filens innehållsförteckning."
TOO_MANY_PARTS = "Filen består av fler än 1000 delar"
DTD = "Dokumentet innehåller en dokumenttypsdeklaration (DTD)"
PACKED_ODDLY = "Filen är packad på ett sätt som Word- och OpenDocument-filer aldrig är"
TOO_DEEP = "Dokumentets struktur är nästlad i mer än 1000 nivåer"
TEXT_TOO_LARGE = "Dokumentets text packas upp till mer än 1,0\xa0MB"

# What checking one file may allocate (traced by tracemalloc), whatever it unpacks to.
MEMORY_LIMIT = 4 * 1024 * 1024


@functools.cache
def hostile(name: str) -> bytes:
    """Each hostile file is built once per test run (a bomb costs a second of CPU)."""
    builders = {
        "docx bomb, 300 MB": lambda: upload_support.docx_bomb(300),
        "docx bomb, 50 MB": lambda: upload_support.docx_bomb(50),
        "odt bomb, 300 MB": lambda: upload_support.odt_bomb(300),
        "odt whose mimetype is a bomb": upload_support.odt_mimetype_bomb,
        "docx lying about its size": lambda: upload_support.lying_docx(100),
        "odt lying about its size": lambda: upload_support.lying_odt(100),
        "docx of bzip2, 300 MB": upload_support.bzip2_docx,
        "docx of 30,000 parts": upload_support.many_entries_docx,
        "docx understating its parts": upload_support.understated_entries_docx,
        "docx nested 100,000 deep": upload_support.deeply_nested_docx,
        "docx with billion laughs": upload_support.billion_laughs_docx,
        "docx with an external entity": upload_support.external_entity_docx,
    }
    return builders[name]()


def upload(name: str, filename: str = "Riktlinje.docx") -> SimpleUploadedFile:
    return SimpleUploadedFile(filename, hostile(name), content_type=DOCX)


def checked_with_peak(file: SimpleUploadedFile):
    """check_upload's result or refusal, and the most memory it allocated meanwhile."""
    tracemalloc.start()
    try:
        with translation.override("sv"):
            return check_upload(file), tracemalloc.get_traced_memory()[1]
    except Refused as refused:
        return refused, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize(
    "name, code, message",
    [
        ("docx bomb, 300 MB", "unpacks_too_large", UNPACKS_TOO_LARGE),
        ("docx bomb, 50 MB", "compression_ratio", COMPRESSED),
        ("odt bomb, 300 MB", "unpacks_too_large", UNPACKS_TOO_LARGE),
        ("odt whose mimetype is a bomb", "unpacks_too_large", UNPACKS_TOO_LARGE),
        ("docx lying about its size", "damaged", DAMAGED),
        ("odt lying about its size", "damaged", DAMAGED),
        ("docx of bzip2, 300 MB", "compression_method", PACKED_ODDLY),
        ("docx of 30,000 parts", "too_many_parts", TOO_MANY_PARTS),
        ("docx understating its parts", "too_many_parts", TOO_MANY_PARTS),
        ("docx nested 100,000 deep", "too_deep", TOO_DEEP),
        ("docx with billion laughs", "dtd", DTD),
        ("docx with an external entity", "dtd", DTD),
    ],
)
def test_the_check_refuses_a_hostile_file_in_bounded_memory(name, code, message):
    refused, peak = checked_with_peak(upload(name))

    assert isinstance(refused, Refused)
    assert refused.code == code
    assert message in refused.messages[0]
    assert "root:" not in refused.messages[0]  # nothing of /etc/passwd, ever
    assert peak < MEMORY_LIMIT


def test_the_small_parts_are_small_and_the_bombs_huge():
    """The files are what the tests above say they are."""
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(hostile("docx bomb, 300 MB"))) as zf:
        assert zf.getinfo("word/document.xml").file_size > 300 * 1024 * 1024
    assert len(hostile("docx bomb, 300 MB")) < 400 * 1024
    assert len(hostile("docx lying about its size")) < 200 * 1024
    with zipfile.ZipFile(io.BytesIO(hostile("docx lying about its size"))) as zf:
        info = zf.getinfo("word/document.xml")
        assert info.file_size == 4096 and info.compress_size > 50 * 1024
    assert len(hostile("docx of 30,000 parts")) < 4 * 1024 * 1024
    assert len(hostile("docx of bzip2, 300 MB")) < 1024


def test_text_that_unpacks_beyond_the_budget_is_refused_as_it_is_read(settings):
    settings.STYRDOK_UPLOAD_XML_MAX_BYTES = 1024 * 1024
    settings.STYRDOK_UPLOAD_ZIP_MAX_RATIO = 10_000

    refused, peak = checked_with_peak(SimpleUploadedFile("plan.docx", upload_support.docx_bomb(5)))

    assert isinstance(refused, Refused) and refused.code == "text_too_large"
    assert TEXT_TOO_LARGE in refused.messages[0]
    assert peak < MEMORY_LIMIT


def varied_text(words: int) -> str:
    return " ".join(f"ord{n}" for n in range(words))


def test_a_long_genuine_document_is_accepted_with_its_text_cut(settings, caplog):
    settings.STYRDOK_UPLOAD_TEXT_MAX_CHARS = 1000
    file = SimpleUploadedFile("lång.docx", upload_support.docx(varied_text(20_000)))

    with caplog.at_level(logging.WARNING, logger="documents.files"):
        checked, _ = checked_with_peak(file)

    assert checked.content_type == DOCX
    assert checked.extracted_text.startswith("ord0 ord1 ord2")
    assert 900 < len(checked.extracted_text) <= 1000
    assert not checked.text_complete
    assert "stopped (text)" in caplog.text


def test_one_enormous_paragraph_is_read_in_bounded_memory(settings):
    """Millions of words in one text node: whitespace is normalised as the text comes,
    never word by word over the whole node."""
    settings.STYRDOK_UPLOAD_ZIP_MAX_RATIO = 10_000  # a genuine file would pass; let it

    checked, peak = checked_with_peak(
        SimpleUploadedFile("lång.docx", upload_support.docx_of_one_long_paragraph(40))
    )

    assert checked.extracted_text.startswith("ab ab ab")
    assert len(checked.extracted_text) == 2_000_000
    assert not checked.text_complete
    # The text kept, about twice over while it is decoded, and little else.
    assert peak < 5 * 2_000_000 + MEMORY_LIMIT


def test_a_reader_over_its_time_is_killed_and_the_file_kept(settings, caplog):
    settings.STYRDOK_UPLOAD_TEXT_SECONDS = 0.01  # less than starting Python takes
    file = SimpleUploadedFile("lång.docx", upload_support.docx(varied_text(200_000)))

    with caplog.at_level(logging.WARNING, logger="documents.files"):
        checked, _ = checked_with_peak(file)

    assert checked.content_type == DOCX
    assert checked.extracted_text == ""
    assert not checked.text_complete
    assert "was stopped after 0.01 s" in caplog.text


def test_an_ordinary_docx_is_read_whole():
    checked, _ = checked_with_peak(
        SimpleUploadedFile("plan.docx", upload_support.docx("Hel<w:t>lo</w:t> världen"))
    )
    assert checked.extracted_text == "Hello världen"
    assert checked.text_complete


# --- Through the forms that upload files ----------------------------------------


def start_draft(town):
    desk, case = handlingsplan_draft(town)
    return swedish(desk), case


@pytest.mark.parametrize("action", ["save", "complete"])
@pytest.mark.parametrize(
    "name, message",
    [
        ("docx bomb, 300 MB", UNPACKS_TOO_LARGE),
        ("odt lying about its size", DAMAGED),
        ("docx with billion laughs", DTD),
    ],
)
def test_the_draft_page_refuses_the_file_and_keeps_what_was_typed(town, action, name, message):
    desk, case = start_draft(town)
    before = snapshot(case)

    response = desk.attempt(
        case,
        "draft",
        action=action,
        upload=upload(name),
        title="Handlingsplan 2027–2028",
        body="<p>Mål för språkutveckling</p>",
    )

    assert response.status_code == 400
    assert shows(response, message)
    form = response.context["form"]
    assert form["title"].value() == "Handlingsplan 2027–2028"
    assert "Mål för språkutveckling" in form["body"].value()
    assert not VersionFile.objects.exists()
    assert snapshot(case) == before
    assert refresh(case).version.body == ""
    assert open_steps(case) == ["draft"]
    # The next, ordinary upload goes through.
    desk.attempt(
        case,
        "draft",
        action="save",
        upload=SimpleUploadedFile("plan.docx", upload_support.docx("Mål")),
    )
    assert VersionFile.objects.get().extracted_text == "Mål"


def test_a_bomb_django_kept_on_disk_is_refused_the_same_way(town, settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1000  # as for uploads above 5 MB
    desk, case = start_draft(town)

    response = desk.attempt(
        case, "draft", action="save", upload=upload("docx lying about its size")
    )

    assert response.status_code == 400
    assert shows(response, DAMAGED)
    assert not VersionFile.objects.exists()


def test_registration_refuses_a_bomb_as_minutes_extract(town):
    case = policy_at_registration(town)
    before = snapshot(case)
    registrar = swedish(town.desk("registrator"))

    response = registrar.attempt(
        case,
        "registration",
        minutes_extract=upload("odt bomb, 300 MB", "protokollsutdrag.odt"),
        paragraph="§ 41",
        justering_date=days(0),
        anslag_date=days(0),
    )

    assert response.status_code == 400
    assert shows(response, UNPACKS_TOO_LARGE)
    assert response.context["form"]["paragraph"].value() == "§ 41"
    assert snapshot(case) == before
    assert open_steps(case) == ["registration"]


def test_the_registrar_records_form_refuses_a_lying_archive(town):
    case = ks_policy(town)
    registrar = swedish(town.desk("registrator"))

    response = registrar.post(
        reverse("workflows:desk_record", args=[case.pk]),
        {
            "direction": "in",
            "record_date": days(-1).isoformat(),
            "counterpart": "Vision, avdelning Ådalen",
            "subject": "Yttrande över policyn",
            "upload": upload("docx lying about its size", "yttrande.docx"),
        },
    )

    assert response.status_code == 400
    assert shows(response, DAMAGED)
    form = response.context["form"]
    assert form["counterpart"].value() == "Vision, avdelning Ådalen"
    assert form["subject"].value() == "Yttrande över policyn"
    assert not RegisteredRecord.objects.exists()
