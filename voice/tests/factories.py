"""Citizens' items in any state, for the tests of voice."""

from django.core.cache import cache, caches

from city.models import Department
from voice import services
from voice.models import Category, Item, Kind


def subject(department_slug: str = "urban_services") -> Category:
    return Category.objects.filter(department__slug=department_slug, service__isnull=True).first()


def limits_cleared() -> None:
    cache.clear()
    caches["limits"].clear()


def received(
    *,
    kind: str = Kind.PROBLEM,
    department_slug: str = "urban_services",
    author=None,
    mobile="09351112233",
    **fields,
) -> Item:
    values = {
        "kind": kind,
        "category": subject(department_slug),
        "title": fields.pop("title", "چاله در پیاده‌رو"),
        "body": fields.pop("body", "یک چالهٔ عمیق جلوی ایستگاه اتوبوس است."),
        "language": fields.pop("language", "fa"),
        "author": author,
        "mobile": "" if author is not None else mobile,
        "latitude": fields.pop("latitude", "36.2972"),
        "longitude": fields.pop("longitude", "59.6067"),
    }
    values.update(fields)
    return services.item_submit(**values)


def department(slug: str) -> Department:
    return Department.objects.get(slug=slug)
