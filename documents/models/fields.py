"""Field helpers shared by the register's models."""

from __future__ import annotations

from django.db import models


def _copied_key(to, verbose_name, help_text, *, null: bool = False) -> models.ForeignKey:
    """A key copied into derived columns (``DocumentVersion``'s copies of its document's,
    ``SearchRank``): no constraint, no index of its own and no reverse accessor; the
    copies are written again whenever their source changes."""
    return models.ForeignKey(
        to,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=null,
        blank=null,
        editable=False,
        related_name="+",
        verbose_name=verbose_name,
        help_text=help_text,
    )
