"""The fixed set of badge and level icons, as inline SVG.

A fixed set rather than uploaded images: they render crisp at any size, inherit the text colour
(`currentColor`), need no extra request and cannot carry anything but a drawing.
"""

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

_PATHS = {
    "leaf": '<path d="M5 19c6-1 12-6 14-15C10 5 5 10 5 19Z"/><path d="M5 19 13 11"/>',
    "sprout": '<path d="M12 20v-8"/><path d="M12 12c0-4-3-6-7-6 0 4 3 6 7 6Z"/>'
    '<path d="M12 12c0-4 3-6 7-6 0 4-3 6-7 6Z"/>',
    "tree": '<path d="M12 21v-5"/><path d="M12 3 5 13h4l-3 3h12l-3-3h4Z"/>',
    "forest": '<path d="M8 21v-4M16 21v-4"/><path d="M8 5 3 14h10ZM16 3l-5 9h10Z"/>',
    "clock": '<circle cx="12" cy="12" r="8"/><path d="M12 8v4l3 2"/>',
    "star": '<path d="m12 3 2.7 5.6 6.1.9-4.4 4.3 1 6.1L12 17l-5.4 2.9 1-6.1-4.4-4.3 6.1-.9Z"/>',
    "palette": '<path d="M12 3a9 9 0 1 0 0 18c1.5 0 2-1 2-2s-1-1.5-1-2.5 1-1.5 2-1.5h2a4 4 0 0 0 4-4'
    'c0-4.5-4-8-9-8Z"/><circle cx="7.5" cy="11" r="1"/><circle cx="10" cy="7" r="1"/>'
    '<circle cx="15" cy="7" r="1"/>',
    "compass": '<circle cx="12" cy="12" r="9"/><path d="m15.5 8.5-2 5-5 2 2-5Z"/>',
    "heart": '<path d="M12 20s-7-4.5-7-10a4 4 0 0 1 7-2.5A4 4 0 0 1 19 10c0 5.5-7 10-7 10Z"/>',
    "trophy": '<path d="M8 4h8v5a4 4 0 0 1-8 0Z"/><path d="M8 6H5a3 3 0 0 0 3 4M16 6h3a3 3 0 0 1-3 4"/>'
    '<path d="M12 13v4M8 20h8"/>',
    "broom": '<path d="M14 4 9 13"/><path d="M6 13h6l1 7H4Z"/>',
    "bus": '<rect x="5" y="4" width="14" height="13" rx="2"/><path d="M5 11h14M8 20v-3M16 20v-3"/>',
}

BADGE_ICON_CHOICES = [
    ("leaf", _("leaf")),
    ("sprout", _("sprout")),
    ("tree", _("tree")),
    ("forest", _("forest")),
    ("clock", _("clock")),
    ("star", _("star")),
    ("palette", _("palette")),
    ("compass", _("compass")),
    ("heart", _("heart")),
    ("trophy", _("trophy")),
    ("broom", _("broom")),
    ("bus", _("bus")),
]


def icon_svg(name: str, *, size: int = 32, label: str = "") -> str:
    """The icon as an inline <svg>; decorative (aria-hidden) unless given a label."""
    paths = _PATHS.get(name, _PATHS["star"])
    accessibility = f'role="img" aria-label="{escape(label)}"' if label else 'aria-hidden="true"'
    # Safe: the paths are this module's constants, and the only outside text (the label) is escaped.
    return mark_safe(  # noqa: S308
        f'<svg class="icon" width="{size}" height="{size}" viewBox="0 0 24 24" fill="none" '
        f'stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" '
        f"{accessibility}>{paths}</svg>"
    )
