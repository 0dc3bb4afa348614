from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "org"
    verbose_name = _("Organisation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from .models import Position, PositionHolding, Substitution
        from .selectors import forget_acting

        # A change to who acts where empties the memo of the service call it is made in.
        for model in (Position, PositionHolding, Substitution):
            for signal, name in ((post_save, "save"), (post_delete, "delete")):
                signal.connect(
                    forget_acting,
                    sender=model,
                    dispatch_uid=f"org_forget_acting_{model.__name__}_{name}",
                )
