"""Read-only JSON API of the register, with the register's own filters and visibility."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.exceptions import NotFound, ValidationError

from documents import selectors
from documents.filters import RegisterFilter

from .pagination import RegisterPagination
from .schema import RESPONSE_HEADERS, RegisterSchema, error_responses
from .serializers import RegisterEntrySerializer
from .throttling import Throttled

# The query parameters of the list: the ones a 400 may name.
LIST_PARAMETERS = [
    *RegisterFilter.base_filters,
    RegisterPagination.page_query_param,
    RegisterPagination.page_size_query_param,
]


@extend_schema_view(
    list=extend_schema(
        summary=_("The register"),
        description=_(
            "Documents as the version that applies: valid today by default, or on `valid_on`, "
            "or with `status`. Anonymous callers see public documents; a token "
            "(`Authorization: Token <key>`) also shows internal ones. An empty parameter "
            "(`unit=`) counts as not given, as in the register's form."
        ),
        parameters=[
            OpenApiParameter(
                "q",
                {"type": "string", "pattern": "^[^\\u0000]*$"},
                description=_("Search text (Swedish); no NUL characters."),
            ),
            *RESPONSE_HEADERS,
        ],
        responses={
            200: RegisterEntrySerializer(many=True),
            **error_responses(
                refused_parameters=LIST_PARAMETERS,
                not_found=_("The page asked for is past the last page."),
            ),
        },
    ),
    retrieve=extend_schema(
        summary=_("One register entry (a version)"),
        parameters=[
            OpenApiParameter(
                "id",
                {"type": "integer", "minimum": 1},
                OpenApiParameter.PATH,
                description=_("The version's id (`id` of a register entry)."),
            ),
            *RESPONSE_HEADERS,
        ],
        responses={
            200: RegisterEntrySerializer,
            **error_responses(
                refused_parameters=None,
                not_found=_(
                    "No such entry, or one the caller may not see: the two are not told apart."
                ),
            ),
        },
    ),
)
class RegisterViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = RegisterEntrySerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = RegisterFilter
    pagination_class = RegisterPagination
    schema = RegisterSchema()
    # Any id reaches get_object (404 in JSON for one that is no number); see urls.py.
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        if self.action == "retrieve":  # one entry, loaded as a list's entries are
            return selectors.api_rows(self.request.user)
        return selectors.register_versions(self.request.user)

    def throttled(self, request, wait):
        raise Throttled(wait)

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            # Django's message names the model, in English; the API says "not found" in the
            # answer's language, for a missing and a hidden entry alike.
            raise NotFound() from None

    filterset = None

    def paginate_queryset(self, queryset):
        if self.filterset is None:
            return super().paginate_queryset(queryset)
        # As the HTML register: the page's ids ranked or sorted alone (a search's hits in
        # one grouped pass), then only the page's rows with what an entry shows.
        rows = selectors.api_rows(self.request.user)
        page = super().paginate_queryset(selectors.RankedRows.of(self.filterset, rows))
        if page or not self.filterset.search_text() or self.paginator.page.number != 1:
            return page
        searched = self.paginator.page
        # Nothing found: the query with its words corrected, if that finds something; the
        # answer's ``corrected_query`` says what was searched.
        found = self.filterset.corrected()
        if found is None or not found[0].is_valid():
            return page
        corrected, correction = found
        again = super().paginate_queryset(selectors.RankedRows.of(corrected, rows))
        if not again:
            self.paginator.page = searched  # the answer is the search as asked: no hits
            return page
        self.paginator.corrected_query = correction.query
        return again

    def filter_queryset(self, queryset):
        # One entry is addressed by its id whatever the date; filters are for lists.
        if self.action == "retrieve":
            return queryset
        # As DjangoFilterBackend does, keeping the filter set for the ranked search.
        backend = DjangoFilterBackend()
        self.filterset = backend.get_filterset(self.request, queryset, self)
        # Every refused parameter at once, the filters' and the pages'.
        errors = {}
        if not self.filterset.is_valid():
            errors.update(translate_validation(self.filterset.errors).detail)
        errors.update(self.paginator.parameter_errors(self.request))
        if errors:
            raise ValidationError(errors)
        return queryset  # paginate_queryset pages the filter set's ranked or sorted ids
