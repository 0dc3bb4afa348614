"""A permission's answer (``Permit``), shared by the access modules of workflows."""

from __future__ import annotations

from dataclasses import dataclass

from org.selectors import Acting


@dataclass(frozen=True)
class Permit:
    allowed: bool
    reason: str = ""
    acting: Acting | None = None
    # A refusal's stable name (``workflows.refusals``), for API clients and tests.
    code: str = ""

    def __bool__(self) -> bool:
        return self.allowed


def yes(acting: Acting | None = None) -> Permit:
    return Permit(True, "", acting)


def no(reason: str, code: str) -> Permit:
    return Permit(False, reason, code=code)
