"""Small helpers for the staff's verification queue."""

from django import template

from verification import selectors

register = template.Library()


@register.filter
def needs_second(completion) -> bool:
    return selectors.needs_second_approval(completion)


@register.filter
def is_own_work_of(completion, user) -> bool:
    return selectors.is_own_work(completion, user)


@register.filter
def get_count(counts: dict, key: str) -> int:
    return counts.get(key, 0)
