"""The register import checks thousands of files: their text is read by a few long-lived
text reading processes (``documents.text_readers``) instead of one process per file, and
every file gets the same answer as alone: the same text, the same refusal, the same
shortfall. A file that a shared process could not read cleanly (stopped for time or
memory, a page unreadable, killed at the wall-clock limit) is read again in a process of
its own, and the shared one is let go of.

The hostile files are built by the tests (tests/upload_support.py), never committed.
"""

from __future__ import annotations

import functools
import json
import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents import files, text_readers
from documents.files import check_upload
from documents.importing.services import import_register
from documents.importing.sources import Zip
from documents.models import VersionFile
from documents.text_readers import TextReaders
from documents.upload_limits import Refused, UploadLimits
from tests import upload_support
from tests.factories import build_municipality
from tests.registerfile import kf_policy, xlsx, zip_of

pytestmark = pytest.mark.skipif(not text_readers.available(), reason="POSIX only")


@functools.cache
def sample(name: str) -> bytes:
    builders = {
        "docx": lambda: upload_support.docx("Rutin för avvikelser"),
        "pdf": lambda: upload_support.pdf_of_many_pages(3),
        "pdf bomb": lambda: upload_support.pdf_bomb(400),
        "many pages": lambda: upload_support.pdf_of_many_pages(200),
        "dtd": upload_support.billion_laughs_docx,
        "too deep": upload_support.deeply_nested_docx,
    }
    return builders[name]()


def answer(data: bytes, readers: TextReaders | None = None):
    """check_upload's result, or its refusal's code."""
    try:
        return check_upload(SimpleUploadedFile("fil", data), readers=readers)
    except Refused as refused:
        return refused.code


@pytest.fixture
def warnings(caplog):
    caplog.set_level(logging.WARNING, logger="documents.files")
    return caplog


def test_files_in_turn_get_the_answers_they_get_alone(settings):
    settings.STYRDOK_PDF_TEXT_MAX_PAGES = 50
    names = ["docx", "dtd", "pdf", "too deep", "many pages", "pdf bomb", "docx"]
    alone = [answer(sample(n)) for n in names]

    with TextReaders(1) as readers:
        shared = [answer(sample(n), readers) for n in names]

    assert shared == alone
    assert alone[1] == "dtd" and alone[3] == "too_deep"
    assert alone[4].extracted_text.split() == ["Sida"] * 50
    assert readers.started == 1  # none of them needed a process of its own


def test_the_processes_are_shared_between_threads(settings):
    from concurrent.futures import ThreadPoolExecutor

    with TextReaders(2) as readers, ThreadPoolExecutor(2) as pool:
        shared = list(pool.map(lambda _: answer(sample("docx"), readers), range(12)))

    assert {c.extracted_text for c in shared} == {"Rutin för avvikelser"}
    assert readers.started <= 2


def test_a_file_stopped_by_the_memory_cap_is_read_again_alone(settings, monkeypatch, warnings):
    """The page the cap failed might have been read by a fresh process: the answer that
    counts is the one alone, and the shared process is not used again."""
    settings.STYRDOK_PDF_TEXT_MAX_CONTENT_BYTES = 4 * 1024**3
    settings.STYRDOK_UPLOAD_TEXT_MEMORY_BYTES = 256 * 1024**2
    alone_runs = []
    real = files._run_worker
    monkeypatch.setattr(files, "_run_worker", lambda *a: alone_runs.append(1) or real(*a))

    with TextReaders(1) as readers:
        checked = answer(sample("pdf bomb"), readers)
        after = answer(sample("pdf"), readers)

    assert checked.extracted_text == "Första sidan Tredje sidan"
    assert not checked.text_complete
    assert "1 pages unreadable" in warnings.text
    assert alone_runs == [1]
    assert readers.started == 2  # the next file went to a new process
    assert after.extracted_text == "Sida Sida Sida" and after.text_complete


def test_a_shared_process_over_a_files_time_is_killed_and_the_file_read_alone(
    settings, monkeypatch, warnings
):
    settings.STYRDOK_UPLOAD_TEXT_SECONDS = 0.01  # less than starting Python takes
    alone_runs = []
    real = files._run_worker
    monkeypatch.setattr(files, "_run_worker", lambda *a: alone_runs.append(1) or real(*a))

    with TextReaders(1) as readers:
        checked = answer(sample("pdf"), readers)

    assert checked.extracted_text == ""
    assert not checked.text_complete
    assert "was stopped after 0.01 s" in warnings.text
    assert alone_runs == [1]
    assert readers.idle.empty()


def test_each_file_has_its_own_cpu_budget():
    """Files that together take more CPU than one file's budget (a second) are all read:
    the limit moves on per file. The wall-clock limit is generous here, so that only the
    CPU limit can stop a file, whatever the machine's load."""
    limits = files._worker_limits(files.PDF, UploadLimits.from_settings())
    limits |= {"cpu_seconds": 1, "soft_seconds": 120, "max_pages": 1000}
    data = sample("many pages")

    with TextReaders(1) as readers:
        results = [readers.read(data, limits, seconds=120) for _ in range(12)]

    assert all(is_clean for _finished, is_clean in results)
    assert readers.started == 1
    summary = json.loads(results[-1][0][0].splitlines()[-1])
    assert summary["read"] == 200 and summary["stopped"] is None


@pytest.mark.django_db
def test_the_register_import_reads_its_files_through_shared_processes(monkeypatch):
    """The import's check starts a few processes, not one per file."""
    import io

    made = []
    real = TextReaders.__init__

    def spy(self, *args, **kwargs):
        real(self, *args, **kwargs)
        made.append(self)

    monkeypatch.setattr(TextReaders, "__init__", spy)
    m = build_municipality()
    rows = [
        kf_policy(m, Nyckel=f"POL-{n}", Titel=f"Policy {n}", Fil=f"policy-{n}.docx")
        for n in range(6)
    ]
    names = {f"policy-{n}.docx": upload_support.docx(f"Policy nummer {n}") for n in range(6)}
    report = import_register("register.xlsx", xlsx(rows), Zip(io.BytesIO(zip_of(names))))

    assert report.ok, report.problems
    assert len(made) == 1 and made[0].started <= 2
    assert VersionFile.objects.count() == 6
