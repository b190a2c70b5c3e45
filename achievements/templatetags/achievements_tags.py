from django import template

from achievements.icons import icon_svg

register = template.Library()


@register.simple_tag
def achievement_icon(name: str, size: int = 32, label: str = ""):
    """`{% achievement_icon badge.icon 40 %}`: one of the fixed badge and level icons, inline."""
    return icon_svg(name, size=size, label=label)
