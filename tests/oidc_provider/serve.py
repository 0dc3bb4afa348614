"""Run the test provider: ``python -m tests.oidc_provider.serve REDIRECT_BASE``.

Creates its database, signing key, the client ``styrdok`` (redirecting to REDIRECT_BASE)
and its people, then serves on a free port of 127.0.0.1 and prints ``PORT <n>``."""

import os
import sys
from wsgiref.simple_server import WSGIRequestHandler, make_server

CLIENT_ID = "styrdok"
CLIENT_SECRET = "test-client-secret"
PASSWORD = "provider-password"
# (user name, e-mail): what the municipality's directory holds.
PEOPLE = [
    ("anna", "anna.andersson@kommun.example"),
    ("okand", "okand.person@kommun.example"),
    ("sen", "sen@kommun.example"),
    ("fiffel", "fiffel@kommun.example"),
]


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


def _set_up(redirect_base: str) -> None:
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from oidc_provider.models import Client, ResponseType

    call_command("migrate", verbosity=0)
    call_command("creatersakey", stdout=open(os.devnull, "w"))  # noqa: SIM115
    client = Client.objects.create(
        name="Styrdok",
        client_type="confidential",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        jwt_alg="RS256",
        require_consent=False,
    )
    client.redirect_uris = [f"{redirect_base}/oidc/callback/"]
    client.post_logout_redirect_uris = [f"{redirect_base}/"]
    client.save()
    client.response_types.add(ResponseType.objects.get(value="code"))
    for username, email in PEOPLE:
        User.objects.create_user(username, email=email, password=PASSWORD)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.oidc_provider.settings")
    import django

    django.setup()
    _set_up(sys.argv[1])
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application

    server = make_server("127.0.0.1", 0, get_wsgi_application(), handler_class=QuietHandler)
    settings.SITE_URL = f"http://127.0.0.1:{server.server_port}"
    print(f"PORT {server.server_port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
