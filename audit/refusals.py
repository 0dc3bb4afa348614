"""The base of every named refusal: what an action says when it changes nothing.

A refusal has a stable ``code`` (snake_case, for API clients and tests), an HTTP
``status`` and a message in the user's language. The base lives in the lowest layer so
that every app's refusals share it (``notifications.refusals``, ``workflows.refusals``,
which also collects them all in ``all_refusals``).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class Refusal(Exception):
    """A refusal or invalid input, with a message for the user. Nothing was changed."""

    code = "refused"
    status = 400
    message = _("The request was refused.")
    # The form field the refusal is about, if any: forms show the message next to it.
    field = ""

    def __init__(
        self, message: str | None = None, *, code: str | None = None, detail: str = "", **params
    ):
        if message is None:
            message = str(self.message) % params if params else str(self.message)
        message = str(message)
        if detail:
            message = f"{message} {detail}"
        super().__init__(message)
        self.message = message
        self.params = params
        if code:
            self.code = code


class InvalidInput(Refusal):
    code = "invalid_input"
    status = 400
    message = _("The input is not valid.")


class NotAllowed(Refusal):
    code = "not_allowed"
    status = 403
    message = _("You may not do this.")


class Conflict(Refusal):
    """The case (or the register) is not in a state that allows the action."""

    code = "conflict"
    status = 409
    message = _("The case is not in a state that allows this.")


class NotFound(Refusal):
    code = "not_found"
    status = 404
    message = _("There is no such object.")
