"""Read the text of an uploaded PDF, DOCX or ODT from standard input, within a budget.

Run by ``documents.files`` as a separate process (``python -I text_worker.py LIMITS``),
or by ``documents.text_readers`` as one of a few long-lived ones that read many files in
turn (``python -I text_worker.py --serve LIMITS``, see ``serve``), never imported by the application, and importing nothing of it (only the standard library
and pypdf): a hostile file can at worst exhaust this process, whose memory, CPU time and
file size are capped by the operating system here and whose wall-clock time is capped by
the parent, which kills it. No signal handler or timer is needed in the (possibly
threaded) web server. What parsers allocate in C (expat's stack of open elements, pypdf's
streams) is capped as well, which no check in the web server's process could do.

LIMITS is JSON: kind ("pdf", or "zip" with part, the XML entry that holds the text),
max_chars, soft_seconds (no new page or chunk is begun after it), cpu_seconds,
memory_bytes; for a PDF max_pages and max_content_bytes (decompressed page content, all
pages together; also each stream's most); for a zip xml_max_bytes and max_depth.

Standard output gets one JSON object per line, flushed at once (so that the parent keeps
what came before a kill): ``{"text": "..."}`` for each page or chunk read (whitespace
normalised; all together at most max_chars + 1 characters), then either
``{"done": true, "stopped": reason or null, ...}`` or ``{"refused": code}`` for a DOCX
or ODT that must not be accepted (the parent words the message).
"""

import io
import json
import re
import sys
import time

LINE_HYPHEN = re.compile(r"([^\W\d_])-[ \t]*\r?\n\s*([^\W\d_])")
CHUNK_BYTES = 64 * 1024


class Refuse(Exception):
    """The file must be refused; the argument is the parent's code for the message."""


class Budget:
    """The characters still to send; emits each piece of text cut to fit."""

    def __init__(self, max_chars: int):
        self.left = max_chars + 1  # one over: the parent sees that the text was cut

    def emit(self, text: str) -> bool:
        """Send ``text`` (normalised, cut); False once the budget is spent."""
        text = " ".join(text.split())[: self.left]
        if text:
            self.left -= len(text)
            emit({"text": text})
        return self.left > 0


def limit_resources(limits: dict) -> None:
    try:
        import resource
    except ImportError:  # not POSIX: the parent's timeout is the only limit
        return
    cpu = max(1, int(limits["cpu_seconds"] + 0.999))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_AS, (limits["memory_bytes"], limits["memory_bytes"]))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))


def emit(item: dict) -> None:
    sys.stdout.buffer.write(json.dumps(item, ensure_ascii=False).encode() + b"\n")
    sys.stdout.buffer.flush()


# --- PDF ------------------------------------------------------------------------------


def pdf_text(data: bytes, limits: dict, deadline: float) -> dict:
    import logging

    logging.disable(logging.CRITICAL)  # pypdf warns at length about broken files
    from pypdf import PdfReader, apply_configuration
    from pypdf.errors import LimitReachedError

    content_budget = limits["max_content_bytes"]
    # Each stream's decompression is capped at the whole budget (pypdf's own limits).
    stream_limits = dict.fromkeys(
        (
            "zlib_maximum_output_length",
            "lzw_maximum_output_length",
            "run_length_maximum_output_length",
            "brotli_maximum_output_length",
            "array_based_stream_maximum_output_length",
            "jbig2_maximum_output_length",
            "image_maximum_buffer_size",
            "stream_decoding_work_maximum_length",
        ),
        content_budget,
    )
    summary = {"done": True, "pages": 0, "read": 0, "stopped": None, "errors": 0}
    budget = Budget(limits["max_chars"])
    with apply_configuration(jbig2dec_binary=None, **stream_limits):
        try:
            reader = PdfReader(io.BytesIO(data))
            pages = reader.pages
            summary["pages"] = len(pages)
        except Exception:  # noqa: BLE001 - pypdf raises many kinds of errors on broken files
            summary["stopped"] = "unreadable"
            return summary
        content = 0
        for number in range(summary["pages"]):
            if number >= limits["max_pages"]:
                summary["stopped"] = "pages"
                break
            if time.monotonic() > deadline:
                summary["stopped"] = "time"
                break
            try:
                page = pages[number]
                contents = page.get_contents()  # decoded once; extract_text reuses it
                content += len(contents.get_data()) if contents is not None else 0
                if content > content_budget:
                    summary["stopped"] = "content"
                    break
                # Join words hyphenated at the end of a line ("samverkans-\ngruppen").
                text = LINE_HYPHEN.sub(r"\1\2", page.extract_text() or "")
            except LimitReachedError:
                summary["stopped"] = "content"
                break
            except Exception:  # noqa: BLE001 - one broken page must not lose the others
                summary["errors"] += 1
                continue
            summary["read"] += 1
            if not budget.emit(text):
                summary["stopped"] = "text"
                break
    return summary


# --- DOCX and ODT -----------------------------------------------------------------------


class Collector:
    """The text of an XML stream, its text nodes joined by spaces, without building a tree.

    Refuses a document type declaration (Word and OpenDocument never write one; entity
    expansion and external entities need one) and nesting deeper than max_depth (expat
    keeps every open element in C memory). Text is cut into parts at element ends: a
    leaf's text is one part, as with ElementTree's itertext(), and a word split by inline
    markup ("Hel<span>lo</span>") stays one word.
    """

    def __init__(self, max_depth: int):
        from xml.parsers import expat

        self.parts: list[str] = []
        self.current: list[str] = []
        self.depth = 0
        self.max_depth = max_depth
        self.parser = expat.ParserCreate()
        self.parser.buffer_text = True
        self.parser.ordered_attributes = True  # a list is cheaper than a dict
        self.parser.StartDoctypeDeclHandler = self._refuse_dtd
        self.parser.EntityDeclHandler = self._refuse_dtd
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.CharacterDataHandler = self.current.append

    def _refuse_dtd(self, *args) -> None:
        raise Refuse("dtd")

    def _start(self, name, attributes) -> None:
        self.depth += 1
        if self.depth > self.max_depth:
            raise Refuse("too_deep")

    def _end(self, name) -> None:
        self.depth -= 1
        if self.current:
            self.parts.append("".join(self.current))
            self.current.clear()

    def take(self, room: int) -> str:
        """The parts finished so far, joined, and forgotten here; with them the text node
        being read if it is already longer than ``room`` (what may still be sent)."""
        text = " ".join(self.parts)
        self.parts = []
        if sum(map(len, self.current)) > room:
            text += " " + "".join(self.current)
            self.current.clear()
        return text


def zip_text(data: bytes, limits: dict, deadline: float) -> dict:
    import zipfile
    import zlib
    from xml.parsers import expat

    summary = {"done": True, "stopped": None}
    budget = Budget(limits["max_chars"])
    collector = Collector(limits["max_depth"])
    inflated = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf, zf.open(limits["part"]) as member:
            while chunk := member.read(CHUNK_BYTES):
                inflated += len(chunk)
                if inflated > limits["xml_max_bytes"]:
                    raise Refuse("text_too_large")
                collector.parser.Parse(chunk, False)
                if not budget.emit(collector.take(budget.left)):
                    summary["stopped"] = "text"
                    return summary
                if time.monotonic() > deadline:
                    summary["stopped"] = "time"
                    return summary
            collector.parser.Parse(b"", True)
    except expat.ExpatError as exc:
        summary["stopped"] = f"not well-formed XML ({exc})"
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError):
        raise Refuse("damaged") from None
    except KeyError:
        summary["stopped"] = "no text part"
    except MemoryError:
        summary["stopped"] = "memory"
    collector._end("")
    budget.emit(collector.take(budget.left))
    return summary


def read_one(data: bytes, limits: dict, started: float) -> None:
    """Read one file's text and emit it, ending with its summary or its refusal."""
    deadline = started + limits["soft_seconds"]
    try:
        if limits["kind"] == "pdf":
            emit(pdf_text(data, limits, deadline))
        else:
            emit(zip_text(data, limits, deadline))
    except Refuse as refusal:
        emit({"refused": refusal.args[0]})


def cpu_used() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def serve(base: dict) -> None:
    """Read up to max_files files, one after the other, each given as a line of its LIMITS
    (JSON, with its "size") followed by that many bytes. Each file gets its own CPU budget
    (the soft limit is moved to the time used so far plus the budget; passing it kills the
    process) and its own soft deadline; memory, core and file size are capped for the
    process as for one file. The parent kills the process at a file's wall-clock limit and
    reads any file whose result is not clean again in a process of its own."""
    import gc
    import resource

    cpu = max(1, int(base["cpu_seconds"] + 0.999))
    hard = cpu * (base["max_files"] + 1) + 5
    limit_resources(dict(base, cpu_seconds=hard - 1))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, hard))  # the first file's budget
    stdin = sys.stdin.buffer
    for _ in range(base["max_files"]):
        header = stdin.readline()
        if not header:
            return
        started = time.monotonic()
        limits = json.loads(header)
        data = stdin.read(limits["size"])
        soft = min(hard - 1, int(cpu_used() + limits["cpu_seconds"] + 0.999))
        resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))
        read_one(data, limits, started)
        del data
        gc.collect()


def main() -> None:
    if sys.argv[1] == "--serve":
        serve(json.loads(sys.argv[2]))
        return
    started = time.monotonic()
    limits = json.loads(sys.argv[1])
    limit_resources(limits)
    read_one(sys.stdin.buffer.read(), limits, started)


if __name__ == "__main__":
    main()
