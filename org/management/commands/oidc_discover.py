"""Read the identity provider's endpoints from its discovery document and print them as the
environment lines Styrdok reads for single sign-on (config.sso_discovery)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from config.sso_discovery import DiscoveryError, discover


class Command(BaseCommand):
    help = (
        "Print the OIDC_* settings of an OpenID Connect provider read from its discovery "
        "document (<issuer>/.well-known/openid-configuration); with --check, compare them "
        "with the settings in use and fail if they differ."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "issuer", help="The provider's issuer, e.g. https://login.example.se/realms/kommun"
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Compare with the running settings; exit 1 and name each difference.",
        )

    def handle(self, *args, issuer: str, check: bool, **options):
        try:
            found = discover(issuer, timeout=settings.OIDC_TIMEOUT)
        except DiscoveryError as exc:
            raise CommandError(str(exc)) from exc
        if not check:
            for name, value in found.items():
                self.stdout.write(f"{name}={value}")
            return
        differ = [
            (name, getattr(settings, name, ""), value)
            for name, value in found.items()
            if str(getattr(settings, name, "")).rstrip("/") != value.rstrip("/")
        ]
        for name, used, value in differ:
            self.stderr.write(
                _("%(name)s is %(used)s; the provider says %(value)s")
                % {"name": name, "used": used or "–", "value": value or "–"}
            )
        if differ:
            raise CommandError(_("The settings differ from the provider's discovery document."))
        self.stdout.write(_("The settings agree with the provider's discovery document."))
