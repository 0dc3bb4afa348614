"""The register page: documents valid for a unit today, filtered, sorted, paginated."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TypedDict

from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe

from org.selectors import acting_in

from . import cache as register_cache
from . import search, selectors
from .filters import RegisterFilter
from .links import route_filler
from .models import DocumentVersion, VersionStatus

PAGE_SIZE = 25


class RegisterRow(TypedDict):
    """One row of the register's table, as the template shows it."""

    url: str
    title: str
    status: str  # the status's label when the version is not the valid one, else ""
    internal: bool
    snippet: SafeString | str
    type: str
    scope: str
    adoption: str
    valid_from: str
    valid_until: str
    next_review: str


def _iso(day: datetime.date | None) -> str:
    return day.isoformat() if day is not None else ""


def table_rows(versions: Iterable[DocumentVersion], q: str = "") -> list[RegisterRow]:
    """The cells of each row, computed once here rather than through several template
    lookups, filters and a ``{% url %}`` per cell (most of a page's rendering time);
    with a search, the snippet of the version's text around its best match."""
    url_of = route_filler("documents:detail")
    terms = search.query_terms(q) if q else []
    status_labels = dict(DocumentVersion._meta.get_field("status").flatchoices)
    rows: list[RegisterRow] = []
    for v in versions:
        rows.append(
            {
                "url": url_of(v.document_id),
                "title": v.title,
                "status": ""
                if v.status == VersionStatus.VALID
                else str(status_labels.get(v.status, v.status)),
                "internal": not v.is_public,
                "snippet": search.snippet(v, terms) if q else "",
                # The version's copies of its document's type and scope (names from the
                # register's cache: selectors.with_names).
                "type": str(v.document_type),
                "scope": str(v.scope_unit),
                "adoption": v.adoption_line,
                "valid_from": _iso(v.valid_from),
                "valid_until": _iso(v.valid_until),
                "next_review": _iso(v.next_review),
            }
        )
    return rows


def register(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return _anonymous(request)
    if not request.GET:
        # A manager lands on what is valid for their own unit.
        acting = acting_in(request.user)
        if acting:
            return redirect(
                f"{reverse('register')}?{urlencode({'unit': acting[0].position.unit_id})}"
            )
    return _render(request, register_cache.current())


def _anonymous(request: HttpRequest) -> HttpResponse:
    """The public register is the same for every anonymous visitor: the whole page is
    cached per generation of the register, day, language and query string
    (``documents.cache``), and a hit is sent before any filter or queryset is built, with
    this request's CSRF token and path filled in. A visitor with messages waiting (shown
    once, to them only) gets the page rendered for them, and it is not cached."""
    generation = register_cache.current()
    if generation is None or get_messages(request):
        return _render(request, generation)
    key = register_cache.page_key(generation, request.LANGUAGE_CODE, request.GET.urlencode())
    page = register_cache.get_page(key)
    if page is not None:
        return HttpResponse(page.fill(request))  # the same headers as render() gives
    response = _render(request, generation)
    if response.status_code == 200:
        page = register_cache.CachedPage.cut(response.content.decode(), request)
        if page is not None:
            register_cache.set_page(key, page)
    return response


def _corrected(request: HttpRequest, filterset: RegisterFilter, page):
    """A search that found nothing, searched again with its words corrected
    (``RegisterFilter.corrected``) if that finds something: the filter set, page and
    correction to show."""
    found = filterset.corrected()
    if found is None:
        return filterset, page, None
    corrected, correction = found
    if not corrected.is_valid():
        return filterset, page, None
    rows = selectors.register_rows(request.user, with_text=True)
    versions = selectors.RankedRows.of(corrected, rows)
    again = selectors.RankedPaginator(versions, PAGE_SIZE).get_page(1)
    if not again.paginator.count:
        return filterset, page, None
    return corrected, again, correction


def _hidden(filterset: RegisterFilter, page) -> dict | None:
    """How many more hits the search has without the page's other filters, and the address
    that shows them; None if the filters hide none."""
    if not filterset.is_valid():
        return None
    wide = filterset.widened()
    hits = wide.ranked_hits if wide is not None and wide.is_valid() else None
    if hits is None:
        return None
    more = hits.count() - page.paginator.count
    if more <= 0:
        return None
    return {"count": more, "url": f"{reverse('register')}?{urlencode({'q': wide.search_text()})}"}


def _render(request: HttpRequest, generation: int | None) -> HttpResponse:
    # Always bound, so an empty query still gets the default "valid today".
    filterset = RegisterFilter(
        request.GET, queryset=selectors.register_versions(request.user), request=request
    )
    filterset.generation = generation  # read once per request, by the caller
    q = filterset.search_text()
    if filterset.is_valid():
        # Sort (or rank) the ids alone and join the wide rows, the text included, for the
        # page only: sorting 1,500 full rows by title was most of a unit page's time.
        rows = selectors.register_rows(request.user, with_text=bool(q))
        versions = selectors.RankedRows.of(filterset, rows)
    else:
        versions = selectors.register_versions(request.user).none()
    page = selectors.RankedPaginator(versions, PAGE_SIZE).get_page(request.GET.get("page"))
    correction = None
    if q and filterset.is_valid() and not page.paginator.count:
        filterset, page, correction = _corrected(request, filterset, page)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": filterset,
        "page": page,
        "rows": table_rows(page.object_list, correction.query if correction else q),
        "correction": correction,
        "typed": q,
        "hidden": _hidden(filterset, page),
        "querystring": query.urlencode(),
        "status": request.GET.get("status", ""),
    }
    body = render_to_string("documents/_register_body.html", context, request)
    return render(
        request,
        "documents/register.html",
        {**context, "body": mark_safe(body)},  # noqa: S308 - rendered by our template
        status=400 if filterset.errors else 200,
    )
