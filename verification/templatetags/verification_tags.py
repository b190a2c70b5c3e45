"""Completion reports on the volunteer's "my shifts" cards."""

from django import template
from django.db import router

from core.compiled_queries import CompiledInstancesQuery
from verification import selectors
from verification.models import Completion

register = template.Library()

# "My shifts" lists many sign-ups; the first card loads the reader's reports on all of them in one
# query and keeps them on the request for the other cards.
_REQUEST_CACHE = "_hamyar_completions_by_signup"
# Composed once per process (core.compiled_queries): composing it took longer than running it.
_COMPLETIONS_OF_VOLUNTEER = CompiledInstancesQuery(
    Completion,
    lambda volunteer_id: Completion.objects.filter(signup__volunteer_id=volunteer_id).order_by(),
    volunteer_id=int,
)


@register.simple_tag(takes_context=True)
def completion_for(context, signup) -> Completion | None:
    """`{% completion_for signup as completion %}`: the report on the sign-up, if the reader has one."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or not getattr(user, "is_authenticated", False):
        return None
    cache = getattr(request, _REQUEST_CACHE, None)
    if cache is None:
        using = router.db_for_read(Completion)
        completions = _COMPLETIONS_OF_VOLUNTEER.list(using=using, volunteer_id=user.pk)
        cache = {completion.signup_id: completion for completion in completions}
        setattr(request, _REQUEST_CACHE, cache)
    return cache.get(signup.pk)


@register.filter
def can_report(signup) -> bool:
    """The shift is over (or the person checked out), so its work can be reported."""
    return selectors.signup_is_over(signup)
