"""Extract the text of a PDF read from standard input, page by page, within a budget.

Run by ``documents.files`` as a separate process (``python -I pdf_text_worker.py LIMITS``),
never imported by the application, and importing nothing of it: a hostile PDF can at worst
exhaust this process, whose memory, CPU time and file size are capped by the operating
system here and whose wall-clock time is capped by the parent, which kills it. No signal
handler or timer is needed in the (possibly threaded) web server.

LIMITS is JSON: max_pages, max_content_bytes (decompressed page content, all pages
together; also each stream's most), max_chars, soft_seconds (no new page is begun after
it), cpu_seconds, memory_bytes.

Standard output gets one JSON object per line: ``{"page": n, "text": "..."}`` for each
page read (whitespace normalised, all pages together at most max_chars + 1), flushed at once (so the parent keeps what came before a kill), then
``{"done": true, "pages": n, "stopped": reason or null, "errors": n}``.
"""

import io
import json
import re
import sys
import time

LINE_HYPHEN = re.compile(r"([^\W\d_])-[ \t]*\r?\n\s*([^\W\d_])")


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


def extract(data: bytes, limits: dict, deadline: float) -> dict:
    import logging

    logging.disable(logging.CRITICAL)  # pypdf warns at length about broken files
    from pypdf import PdfReader, apply_configuration
    from pypdf.errors import LimitReachedError

    budget = limits["max_content_bytes"]
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
        budget,
    )
    summary = {"done": True, "pages": 0, "stopped": None, "errors": 0}
    with apply_configuration(jbig2dec_binary=None, **stream_limits):
        try:
            reader = PdfReader(io.BytesIO(data))
            pages = reader.pages
            summary["pages"] = len(pages)
        except Exception:  # noqa: BLE001 - pypdf raises many kinds of errors on broken files
            summary["stopped"] = "unreadable"
            return summary
        content = chars = 0
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
                if content > budget:
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
            # Normalised and cut here, within this process's memory cap: one page can
            # hold the text of a whole 64 MB content stream.
            text = " ".join(text.split())[: limits["max_chars"] - chars + 1]
            chars += len(text)
            emit({"page": number + 1, "text": text})
            if chars > limits["max_chars"]:
                summary["stopped"] = "text"
                break
    return summary


def main() -> None:
    limits = json.loads(sys.argv[1])
    deadline = time.monotonic() + limits["soft_seconds"]
    limit_resources(limits)
    data = sys.stdin.buffer.read()
    emit(extract(data, limits, deadline))


if __name__ == "__main__":
    main()
