"""Deployment checks (`manage.py check --deploy`) for what several web machines need of credentials."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def signing_key_set_for_several_machines(app_configs, **kwargs):
    """With object storage (several machines), the Open Badges key should come from the settings: a key
    each machine made at the same first moment would leave two keys, and credentials one of them signed."""
    if settings.OBJECT_STORAGE_BUCKET and not settings.OPEN_BADGES_SIGNING_KEY:
        return [
            Warning(
                "OBJECT_STORAGE_BUCKET is set but OPEN_BADGES_SIGNING_KEY is not.",
                hint="Set OPEN_BADGES_SIGNING_KEY to the city's private RSA JWK (see docs/production.md).",
                id="hamyar.W001",
            )
        ]
    return []
