"""What the rule-set file's import says when it changes nothing."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from audit.refusals import Conflict, InvalidInput, NotAllowed


class RuleFileInvalid(InvalidInput):
    """The file cannot be read or breaks a rule; ``problems`` names where, one by one."""

    code = "rule_file_invalid"
    message = _("The rule-set file has errors; nothing was changed.")

    def __init__(self, problems: list[str]):
        super().__init__(detail=" ".join(problems))
        self.problems = problems


class RuleSetImportNotAllowed(NotAllowed):
    code = "rule_set_import_not_allowed"
    message = _("Only administrators import and export the rule set.")


class RuleFilePreviewGone(Conflict):
    code = "rule_file_preview_gone"
    message = _(
        "The previewed rule-set file is no longer available; upload it again to see what it "
        "changes."
    )
