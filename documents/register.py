"""The register page: documents valid for a unit today, filtered, sorted, paginated."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe

from org.selectors import acting_in

from . import cache as register_cache
from . import search, selectors
from .filters import RegisterFilter

PAGE_SIZE = 25


def register(request):
    if request.user.is_authenticated and not request.GET:
        # A manager lands on what is valid for their own unit.
        acting = acting_in(request.user)
        if acting:
            return redirect(
                f"{reverse('register')}?{urlencode({'unit': acting[0].position.unit_id})}"
            )
    # Always bound, so an empty query still gets the default "valid today".
    filterset = RegisterFilter(request.GET, queryset=selectors.register_versions(request.user))
    # The public register is the same for every anonymous visitor: its content is cached
    # per generation of the register (documents.cache); the frame (base.html with its
    # messages and CSRF token) is rendered for each request.
    key = None
    if not request.user.is_authenticated and filterset.generation is not None:
        key = register_cache.page_key(
            filterset.generation, request.LANGUAGE_CODE, request.GET.urlencode()
        )
        body = register_cache.get_page(key)
        if body is not None:
            return render(request, "documents/register.html", {"body": mark_safe(body)})  # noqa: S308 - rendered by our template
    q = filterset.search_text()
    if filterset.is_valid():
        # Sort (or rank) the ids alone and join the wide rows, the text included, for the
        # page only: sorting 1,500 full rows by title was most of a unit page's time.
        rows = selectors.register_rows(request.user, with_text=bool(q))
        versions = selectors.RankedRows.of(filterset, rows)
    else:
        versions = selectors.register_versions(request.user).none()
    page = selectors.RankedPaginator(versions, PAGE_SIZE).get_page(request.GET.get("page"))
    if q:
        for version in page.object_list:
            version.snippet = search.snippet(version, q)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": filterset,
        "page": page,
        "querystring": query.urlencode(),
        "status": request.GET.get("status", ""),
    }
    body = render_to_string("documents/_register_body.html", context, request)
    if key is not None and not filterset.errors:
        register_cache.set_page(key, body)
    return render(
        request,
        "documents/register.html",
        {**context, "body": mark_safe(body)},  # noqa: S308 - rendered by our template
        status=400 if filterset.errors else 200,
    )
