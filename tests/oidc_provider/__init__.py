"""A real OpenID Connect provider for the single sign-on tests: django-oidc-provider in a
Django project of its own (these settings, its own SQLite file), started in a separate
process by ``tests.oidc_provider.process`` and reached over HTTP, as Entra ID or Keycloak
would be. Styrdok's settings never install it."""
