"""Open data as CSV: streamed, UTF-8, comma-separated (RFC 4180), one header line."""

from __future__ import annotations

import csv
import operator
from collections.abc import Callable, Iterable, Iterator
from functools import reduce

from django.db.models import Q, QuerySet
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


def keyset_chunks(rows: QuerySet, order: tuple[str, ...], size: int) -> Iterator[list]:
    """``rows`` in ``order`` (fields that are unique together, e.g. ``("pk",)`` or
    ``("series__code", "year", "number")``), ``size`` at a time: each chunk is read after
    the last row of the one before (keyset paging, no OFFSET), one query per chunk."""
    ordered = rows.order_by(*order)
    last: tuple | None = None
    while True:
        got = list(ordered.filter(_after(order, last))[:size] if last else ordered[:size])
        if got:
            yield got
        if len(got) < size:
            return
        last = tuple(_value(got[-1], name) for name in order)


def _after(order: tuple[str, ...], last: tuple) -> Q:
    """Rows after ``last`` in ``order``: a greater first field, or the same first field and
    a greater second, and so on."""
    return reduce(
        operator.or_,
        (
            Q(**dict(zip(order[:i], last[:i], strict=True)), **{f"{order[i]}__gt": last[i]})
            for i in range(len(order))
        ),
    )


def _value(row, name: str):
    return reduce(getattr, name.split("__"), row)
