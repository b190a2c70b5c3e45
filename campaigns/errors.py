from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from config.errors import NotFoundError


class CampaignErrorCode(StrEnum):
    SERVICE_NOT_FOUND = "service_not_found"
    DEPARTMENT_NOT_FOUND = "department_not_found"
    CALL_NOT_FOUND = "call_not_found"


class ServiceNotFound(NotFoundError):
    def __init__(self, slug: str):
        super().__init__(
            CampaignErrorCode.SERVICE_NOT_FOUND,
            _("There is no service “%(slug)s”.") % {"slug": slug},
        )


class CallNotFound(NotFoundError):
    def __init__(self, call_id: int):
        super().__init__(CampaignErrorCode.CALL_NOT_FOUND, _("There is no open call number %(id)s.") % {"id": call_id})
