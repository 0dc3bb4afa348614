"""The PDF of a version for the package: one place, so that the source can change."""

from __future__ import annotations

from reportlab import rl_config

from documents.pdf import version_pdf


def archival_pdf(version) -> bytes:
    """The version's PDF, rendered reproducibly (reportlab's invariant mode: no creation
    time, a fixed document id), so the same version gives the same bytes."""
    before = rl_config.invariant
    rl_config.invariant = 1
    try:
        return version_pdf(version)
    finally:
        rl_config.invariant = before
