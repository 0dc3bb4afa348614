"""Pages of the register API: ``page`` and ``page_size``, checked as strictly as the schema
describes them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.pagination import PageNumberPagination

from documents import selectors

# More digits than any page number of any register (selectors.MAX_OFFSET caps the offset);
# a longer number is past the end, and int() is not asked to read thousands of digits.
_MAX_DIGITS = 18


def positive_number(text: str) -> int | None:
    """The number ``text`` spells in ASCII digits if it is 1 or more, else None."""
    if not (text.isascii() and text.isdigit()):
        return None
    digits = text.lstrip("0")
    if not digits:
        return None
    return int(digits) if len(digits) <= _MAX_DIGITS else 10**_MAX_DIGITS


class RegisterPagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
    # No ``page=last``: the page is a number, as the schema says (the last one is
    # ceil(count / page_size)).
    last_page_strings = ()
    django_paginator_class = selectors.RankedPaginator
    page_query_description = _("Page number, from 1. A page past the last answers 404.")
    page_size_query_description = _("Entries per page, 1 to 100 (default 25).")
    invalid_page_message = _("There is no such page: the list has fewer pages.")

    def parameter_errors(self, request) -> dict[str, list[str]]:
        """What is wrong with ``page`` and ``page_size``, by parameter (none: both are
        usable). Empty means not given, as for the register's filters."""
        errors: dict[str, list[str]] = {}
        page = request.query_params.get(self.page_query_param, "")
        if page and positive_number(page) is None:
            errors[self.page_query_param] = [str(_("Enter a whole number, 1 or more."))]
        size = request.query_params.get(self.page_size_query_param, "")
        if size and not (1 <= (positive_number(size) or 0) <= self.max_page_size):
            errors[self.page_size_query_param] = [
                str(
                    _("Enter a whole number from 1 to %(maximum)s.")
                    % {"maximum": self.max_page_size}
                )
            ]
        return errors

    def get_page_size(self, request) -> int:
        size = request.query_params.get(self.page_size_query_param, "")
        number = positive_number(size) if size else None
        return min(number, self.max_page_size) if number else self.page_size

    corrected_query: str | None = None

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        if self.corrected_query is not None:
            response.data["corrected_query"] = self.corrected_query
        return response

    def get_page_number(self, request, paginator) -> int:
        return positive_number(request.query_params.get(self.page_query_param, "")) or 1

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": str(self.page_query_description),
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": str(self.page_size_query_description),
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]

    def get_paginated_response_schema(self, schema: dict) -> dict:
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["count", "next", "previous", "results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "minimum": 0,
                    "description": str(_("Entries in the whole list, on every page.")),
                },
                "next": {**link, "description": str(_("The next page; null on the last."))},
                "previous": {
                    **link,
                    "description": str(_("The previous page; null on the first.")),
                },
                "results": schema,
                "corrected_query": {
                    "type": "string",
                    "description": str(
                        _(
                            "Present when the search text found nothing and was corrected: "
                            "the text searched instead (each word that matched nothing "
                            "replaced by the nearest word one edit away)."
                        )
                    ),
                },
            },
        }
