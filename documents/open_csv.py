"""Open data as CSV: streamed, UTF-8, comma-separated (RFC 4180), one header line."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator

from django.http import StreamingHttpResponse

from .links import route_filler


class _Line:
    """A file-like object whose ``write`` hands back what the csv writer wrote."""

    def write(self, value: str) -> str:
        return value


def csv_response(
    request,
    filename: str,
    header: list[str],
    lines: Callable[[Callable[..., str]], Iterable[list]],
) -> StreamingHttpResponse:
    """Stream ``header`` and the ``lines`` (given a function from a document id and version
    number to the version's absolute address) as a CSV download named ``filename``."""
    writer = csv.writer(_Line())
    address = route_filler("documents:version", 2, around=request.build_absolute_uri)

    def content() -> Iterator[str]:
        yield writer.writerow(header)
        for line in lines(address):
            yield writer.writerow(line)

    response = StreamingHttpResponse(content(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
