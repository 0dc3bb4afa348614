"""The register's generation counter (documents.cache)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegisterGeneration(models.Model):
    """A counter that moves on whenever something the register shows changes.

    Cached register output (``documents.cache``) is keyed by it, so every process sees a
    change at once without a shared cache. Written only by ``documents.cache.bump``.
    """

    value = models.BigIntegerField(
        _("generation"), default=0, help_text=_("Moves on with every change of the register.")
    )

    class Meta:
        verbose_name = _("register generation")
        verbose_name_plural = _("register generations")

    def __str__(self) -> str:
        return str(self.value)
