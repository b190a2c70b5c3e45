from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CredentialsConfig(AppConfig):
    name = "credentials"
    verbose_name = _("Credentials")

    def ready(self):
        from verification import events as verification_events

        from . import checks, services  # noqa: F401 - checks registers itself

        # A revoked approval revokes the certificates that counted it, in the revocation's transaction.
        verification_events.completion_revoked.subscribe(services.certificates_revoke_for_revocation)
        # And the Open Badges credentials of hours that rested on it (the status list says so).
        verification_events.completion_revoked.subscribe(services.badge_credentials_revoke_for_revocation)
