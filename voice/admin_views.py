"""Citizen voice in the staff area: a department's inbox (most pressing first), an item with its steps
(answer, transfer, publish, merge), and entering what a 137 caller or a visitor at the desk says. Scoped
by city.permissions: an item outside the member of staff's departments does not exist for them (404)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from city.permissions import departments_for_staff
from core.errors import DomainError
from core.localization import localize_digits

from . import selectors, services
from .forms import (
    AnswerForm,
    IdeaCallForm,
    IdeaCandidateForm,
    MergeForm,
    OperatorItemForm,
    PublishForm,
    TransferForm,
)
from .models import Item

TABS = (
    ("awaiting", _("Awaiting an answer")),
    ("overdue", _("Overdue")),
    ("answered", _("Answered")),
    ("all", _("All")),
)


def _staff_only(request) -> None:
    if not departments_for_staff(user=request.user).exists():
        raise PermissionDenied


def inbox(request):
    _staff_only(request)
    show = request.GET.get("show", "awaiting")
    if show not in dict(TABS):
        show = "awaiting"
    items = selectors.staff_inbox(user=request.user, show=show)[:200]
    return TemplateResponse(
        request,
        "voice/admin/inbox.html",
        {
            "page_title": _("Citizen voice"),
            "header_icon": "mail",
            "tabs": [(key, str(label)) for key, label in TABS],
            "show": show,
            "items": items,
            "now": timezone.now(),
        },
    )


def _item_page(request, item: Item, *, forms=None, status=200):
    forms = forms or {}
    departments = departments_for_staff(user=request.user)
    transfer = forms.get("transfer") or TransferForm()
    transfer.fields["to_department"].queryset = transfer.fields["to_department"].queryset.exclude(
        pk=item.department_id
    )
    return TemplateResponse(
        request,
        "voice/admin/item.html",
        {
            "page_title": item.title,
            "header_icon": "mail",
            "item": item,
            "steps": selectors.timeline(item),
            "photos": item.photos.all(),
            "answer_form": forms.get("answer") or AnswerForm(),
            "transfer_form": transfer,
            "publish_form": forms.get("publish")
            or PublishForm(
                item=item,
                initial={
                    "public_title": item.public_title or item.title,
                    "public_body": item.public_body or item.body,
                    "photos": [
                        str(pk) for pk in item.photos.filter(is_public=True).values_list("pk", flat=True)
                    ],
                },
            ),
            "merge_form": forms.get("merge") or MergeForm(),
            "call_form": forms.get("to_call")
            or IdeaCallForm(
                departments=departments,
                initial={
                    "service": item.category.service_id or item.service_id,
                    "district": item.district_id,
                },
            ),
            "candidate_form": forms.get("to_candidate") or IdeaCandidateForm(user=request.user),
            "becomes_work": item.kind in ("idea", "suggestion")
            and not (item.became_call_id or item.became_candidate_id),
            "overdue": item.is_awaiting_answer and item.due_at < timezone.now(),
            "decider": item.not_for_id == request.user.pk,
            "departments": departments,
        },
        status=status,
    )


def _item_for(request, item_id: int) -> Item:
    _staff_only(request)
    item = selectors.staff_item(user=request.user, item_id=item_id)
    if item is None:
        raise Http404(_("There is no such item in your departments."))
    return item


def item_detail(request, item_id: int):
    return _item_page(request, _item_for(request, item_id))


@require_POST
def item_act(request, item_id: int, action: str):
    """One step on the item: answer, transfer, publish, unpublish, merge, or turn an idea into a draft call
    or a Delphi candidate; a refusal is said on the page."""
    item = _item_for(request, item_id)
    if action == "unpublish":
        services.item_unpublish(item_id=item.pk, by=request.user)
        messages.success(request, _("The public page is withdrawn."))
        return redirect("voice_admin:item", item.pk)
    forms = {
        "answer": lambda: AnswerForm(request.POST),
        "transfer": lambda: TransferForm(request.POST),
        "publish": lambda: PublishForm(request.POST, item=item),
        "merge": lambda: MergeForm(request.POST),
        "to_call": lambda: IdeaCallForm(request.POST, departments=departments_for_staff(user=request.user)),
        "to_candidate": lambda: IdeaCandidateForm(request.POST, user=request.user),
    }
    if action not in forms:
        raise Http404
    form = forms[action]()
    if form.is_valid():
        try:
            response = _act(request, item, action, form)
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            if response is not None:
                return response
            return redirect("voice_admin:item", item.pk)
    item.refresh_from_db()
    return _item_page(
        request, item, forms={action: form}, status=409 if form.errors and action == "answer" else 400
    )


def _act(request, item: Item, action: str, form):
    """Takes the step; a response when it leads elsewhere than back to the item, None otherwise."""
    data = form.cleaned_data
    if action == "answer":
        services.item_answer(item_id=item.pk, by=request.user, text=data["text"])
        messages.success(request, _("Answered; the citizen is told."))
    elif action == "transfer":
        services.item_transfer(
            item_id=item.pk, by=request.user, to_department=data["to_department"], reason=data["reason"]
        )
        messages.success(request, _("Transferred; the citizen is told."))
        return redirect("voice_admin:inbox")
    elif action == "publish":
        services.item_publish(
            item_id=item.pk,
            by=request.user,
            public_title=data["public_title"],
            public_body=data["public_body"],
            public_photo_ids=[int(pk) for pk in data["photos"]],
        )
        messages.success(request, _("Published."))
    elif action == "to_call":
        call = services.idea_to_call(
            item_id=item.pk, by=request.user, service=data["service"], district=data["district"]
        )
        messages.success(request, _("A draft call was made from the idea; finish it and submit it."))
        return redirect("wagtailadmin_pages:edit", call.pk)
    elif action == "to_candidate":
        services.idea_to_candidate(item_id=item.pk, by=request.user, panel=data["panel"])
        messages.success(request, _("The idea is a candidate of the study now; its panel will rate it."))
    else:
        into = (
            selectors.staff_inbox(user=request.user, show="all")
            .filter(tracking_code=data["into_code"].strip())
            .first()
        )
        if into is None:
            form.add_error("into_code", _("No item of your departments has this tracking code."))
            return _item_page(request, item, forms={action: form}, status=400)
        services.item_merge(item_id=item.pk, into=into, by=request.user)
        messages.success(request, _("Merged; its author is told which item to follow."))
    return None


def item_enter(request):
    """What a caller to 137 or a visitor at the desk says, entered for them; they get the code by SMS."""
    _staff_only(request)
    form = OperatorItemForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.item_submit(
                **form.item_values(),
                language=request.POST.get("language") or "fa",
                channel=data["channel"],
                mobile=data["mobile"],
                name=data["name"],
                entered_by=request.user,
            )
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(
                request,
                _("Entered as %(code)s; the caller is sent the code by SMS. Read it out to them too.")
                % {"code": localize_digits(item.tracking_code)},
            )
            return redirect("voice_admin:enter")
    return TemplateResponse(
        request,
        "voice/admin/enter.html",
        {"page_title": _("Enter a call or a visit"), "header_icon": "mail", "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )
