"""Read-only JSON API of the register, with the register's own filters and visibility."""

from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.pagination import PageNumberPagination

from documents import selectors
from documents.filters import RegisterFilter

from .serializers import RegisterEntrySerializer


class RegisterPagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
    django_paginator_class = selectors.RankedPaginator


@extend_schema_view(
    list=extend_schema(
        summary="The register",
        description=(
            "Documents as the version that applies: valid today by default, or on `valid_on`, "
            "or with `status`. Anonymous callers see public documents; a token "
            "(`Authorization: Token <key>`) also shows internal ones."
        ),
        parameters=[OpenApiParameter("q", str, description="Search text (Swedish).")],
    ),
    retrieve=extend_schema(summary="One register entry (a version)"),
)
class RegisterViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = RegisterEntrySerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = RegisterFilter
    pagination_class = RegisterPagination

    def get_queryset(self):
        if self.action == "retrieve":  # one entry, loaded as a list's entries are
            return selectors.api_rows(self.request.user)
        return selectors.register_versions(self.request.user)

    filterset = None

    def paginate_queryset(self, queryset):
        if self.filterset is not None:
            # As the HTML register: the page's ids ranked or sorted alone (a search's hits in
            # one grouped pass), then only the page's rows with what an entry shows.
            rows = selectors.api_rows(self.request.user)
            queryset = selectors.RankedRows.of(self.filterset, rows)
        return super().paginate_queryset(queryset)

    def filter_queryset(self, queryset):
        # One entry is addressed by its id whatever the date; filters are for lists.
        if self.action == "retrieve":
            return queryset
        # As DjangoFilterBackend does, keeping the filter set for the ranked search.
        backend = DjangoFilterBackend()
        self.filterset = backend.get_filterset(self.request, queryset, self)
        if not self.filterset.is_valid():
            raise translate_validation(self.filterset.errors)
        return queryset  # paginate_queryset pages the filter set's ranked or sorted ids
