from campaigns import selectors as campaign_selectors
from campaigns.models import Service


def headline_numbers() -> dict[str, int]:
    """The figures the home page leads with. Later capabilities add volunteers, hours and calls."""
    return {
        "services": Service.objects.filter(is_active=True).count(),
        "departments": campaign_selectors.department_list_with_services().count(),
    }


def catalogue_by_department():
    return campaign_selectors.department_list_with_services()
