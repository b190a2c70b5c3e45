"""Pages of figures that combine several apps: a volunteer's own, and an NGO's for its managers."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from volunteers.ngos import selectors as ngo_selectors
from volunteers.ngos.errors import OrganisationNotFound

from . import dashboard_selectors


@login_required
def volunteer_dashboard(request):
    """The person's own figures as charts: verified hours per month, points by service, totals."""
    page = dashboard_selectors.volunteer_dashboard(user=request.user)
    return render(request, "cms/dashboards/volunteer.html", {"page": page})


@login_required
def ngo_figures(request, organisation_id: int):
    """The NGO's team work as charts, for its owners and managers (other members are refused)."""
    try:
        organisation, membership = ngo_selectors.organisation_get_for_member(
            organisation_id=organisation_id, user=request.user
        )
    except OrganisationNotFound as error:
        raise Http404(error.message) from None
    if not ngo_selectors.is_manager(membership):
        raise PermissionDenied(_("Only the NGO's owners and managers may see its figures."))
    page = dashboard_selectors.ngo_figures(organisation=organisation)
    return render(request, "cms/dashboards/ngo_figures.html", {"organisation": organisation, "page": page})
