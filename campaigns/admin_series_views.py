"""The staff's tools for making shifts in bulk: a weekly series on a call, and a copy of a call's shifts (to
another call of the department, or later on the same one). Both show first the shifts they would make, in
the reader's calendar and digits, and make them only when staff confirm exactly what they saw: the
confirming form carries the previewed answers as hidden fields.

Scoped like the single-shift editor: people who may add shifts, and only their own departments' calls."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.errors import DomainError
from core.localization import format_number

from . import services
from .forms import ShiftCopyForm, ShiftSeriesForm
from .permissions import calls_manageable_by

CONFIRM = "confirm"


def _calls_for(request):
    if not request.user.has_perm("campaigns.add_shift"):
        raise PermissionDenied
    return calls_manageable_by(user=request.user).select_related("service").order_by("-first_published_at")


def _made_message(batch) -> str:
    made = ngettext(
        "%(count)s shift added to “%(call)s”.",
        "%(count)s shifts added to “%(call)s”.",
        len(batch.created),
    ) % {"count": format_number(len(batch.created)), "call": batch.call.localized_title}
    if batch.existing:
        made += " " + ngettext(
            "%(count)s was there already and is left as it was.",
            "%(count)s were there already and are left as they were.",
            len(batch.existing),
        ) % {"count": format_number(len(batch.existing))}
    return made


def _batch_view(request, *, form, plan, make, template_context):
    """Previews the plan of a valid form; makes it when the confirming button sent the form."""
    batch = None
    if form.is_bound and form.is_valid():
        try:
            if CONFIRM in request.POST:
                batch = make()
                if batch.created:
                    messages.success(request, _made_message(batch))
                else:
                    messages.warning(request, _("Nothing was added: the call already has all these shifts."))
                return redirect("wagtailadmin_pages:edit", batch.call.pk)
            batch = plan()
        except DomainError as error:
            form.add_error(None, error.message)
    return TemplateResponse(
        request,
        "campaigns/admin/shift_batch.html",
        {"form": form, "batch": batch, "media": form.media, "confirm": CONFIRM, **template_context},
    )


def shift_series(request):
    calls = _calls_for(request)
    if request.method == "POST":
        form = ShiftSeriesForm(request.POST, calls=calls)
    else:
        form = ShiftSeriesForm(initial={"call": request.GET.get("call")}, calls=calls)

    def arguments():
        return {"call": form.cleaned_data["call"], "series": form.series(), "actor": request.user}

    return _batch_view(
        request,
        form=form,
        plan=lambda: services.shift_series_plan(**arguments()),
        make=lambda: services.shift_series_create(**arguments()),
        template_context={
            "page_title": _("Add a weekly series of shifts"),
            "intro": _(
                "Shifts on the chosen days of each week between the first and the last day, all at the same "
                "time and with the same places. Check the list before adding them; a time the call already "
                "has a shift at is left as it is."
            ),
            "header_icon": "calendar",
        },
    )


def shift_copy(request):
    calls = _calls_for(request)
    if request.method == "POST":
        form = ShiftCopyForm(request.POST, calls=calls)
    else:
        call_id = request.GET.get("call")
        form = ShiftCopyForm(initial={"source": call_id, "target": call_id, "weeks": 1}, calls=calls)

    def arguments():
        data = form.cleaned_data
        return {
            "source": data["source"],
            "target": data["target"],
            "offset": form.offset,
            "first_date": data.get("first_date"),
            "last_date": data.get("last_date"),
            "actor": request.user,
        }

    return _batch_view(
        request,
        form=form,
        plan=lambda: services.shift_copy_plan(**arguments()),
        make=lambda: services.shift_copy_create(**arguments()),
        template_context={
            "page_title": _("Copy shifts"),
            "intro": _(
                "Copies a call's shifts (their times, places and team places, not who signed up) to another "
                "call of the department, or to the same call some weeks or days later."
            ),
            "header_icon": "copy",
        },
    )
