"""What the register API's OpenAPI schema says beyond what drf-spectacular finds itself: every
answer besides 200 with its body and headers, and that an empty query parameter is allowed.

``tests/test_api_schema_holds_for_generated_requests.py`` sends requests generated from the
schema (schemathesis) and checks every answer against it.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_filters import ModelChoiceFilter, ModelMultipleChoiceFilter
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from documents.filters import MAX_ID


class ErrorDetailSerializer(serializers.Serializer):
    detail = serializers.CharField(
        help_text=_(
            "What went wrong, in the language of the answer (Content-Language: Swedish "
            "unless the language cookie chose English)."
        )
    )


def field_errors(names: list[str]) -> dict:
    """The body of a 400: each refused query parameter with its messages."""
    return {
        "type": "object",
        "description": str(
            _("Each refused query parameter with what is wrong with it; nothing was listed.")
        ),
        "properties": {
            name: {"type": "array", "items": {"type": "string"}, "minItems": 1} for name in names
        },
        "additionalProperties": False,
        "minProperties": 1,
    }


def error_responses(*, refused_parameters: list[str] | None, not_found: str) -> dict:
    """The answers an operation gives besides 200: 400 only where query parameters are read
    (``refused_parameters``), 401, 404 (``not_found`` says when) and 429."""
    responses = {
        401: OpenApiResponse(
            ErrorDetailSerializer,
            description=_(
                "An `Authorization: Token <key>` header with no valid token (unknown, "
                "malformed, or its user deactivated). Without it the call is anonymous."
            ),
        ),
        404: OpenApiResponse(ErrorDetailSerializer, description=not_found),
        429: OpenApiResponse(
            ErrorDetailSerializer,
            description=_(
                "Too many anonymous requests from this address (API_ANON_RATE; calls with "
                "a token are not limited). Retry-After says how many seconds to wait."
            ),
        ),
    }
    if refused_parameters is not None:
        responses[400] = OpenApiResponse(
            field_errors(refused_parameters),
            description=_("A query parameter was refused: the body names it and says why."),
        )
    return responses


RESPONSE_HEADERS = [
    OpenApiParameter(
        "WWW-Authenticate",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        description=_("Token: the scheme the API takes."),
        response=[401],
    ),
    OpenApiParameter(
        "Retry-After",
        {"type": "integer", "minimum": 0},
        OpenApiParameter.HEADER,
        description=_("Seconds until the next request is allowed."),
        response=[429],
    ),
]


# What a filter by id takes (documents.filters.MAX_ID: larger numbers are no id).
ID_BOUNDS = {"minimum": 1, "maximum": MAX_ID}


class RegisterSchema(AutoSchema):
    """drf-spectacular's schema for the register's operations, completed from its filter set.

    - Every query parameter is allowed empty: django-filter, the pagination and the HTML
      register's form all take ``unit=`` (a form's unused filter) for a parameter not given.
    - A filter by id (a model choice) takes 1 to ``MAX_ID``.
    - A filter whose type is declared by hand still gets its label or help text as its
      description, as the others do.
    """

    def get_operation(self, *args, **kwargs) -> dict | None:
        operation = super().get_operation(*args, **kwargs)
        filterset_class = getattr(self.view, "filterset_class", None)
        filters = filterset_class.base_filters if filterset_class is not None else {}
        for parameter in (operation or {}).get("parameters", []):
            if parameter["in"] != "query":
                continue
            parameter["allowEmptyValue"] = True
            found = filters.get(parameter["name"])
            if found is None:
                continue
            if "description" not in parameter:
                parameter["description"] = str(found.extra.get("help_text") or found.label)
            if isinstance(found, ModelChoiceFilter | ModelMultipleChoiceFilter):
                schema = parameter["schema"]
                schema.get("items", schema).update(ID_BOUNDS)
        return operation
