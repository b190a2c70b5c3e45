"""The listing's filter form is drawn from the catalogue and the filters asked for, not from the calls:
it is kept per listing page, language and values, across changes of free places, and drawn again when
the catalogue changes."""

import pytest
from bs4 import BeautifulSoup
from django.utils import translation

from campaigns.forms import CallFilterForm
from campaigns.services import call_index_ensure, signup_create
from campaigns.tests.factories import PersonFactory, add_shift
from campaigns.tests.test_listing_speed import committed, make_call  # these tests commit, as requests do
from city.models import Department, Service

pytestmark = pytest.mark.usefixtures("empty_cache")


@pytest.fixture
def forms_drawn(monkeypatch) -> list[int]:
    """One entry each time the template draws the filter form (it asks whether to unfold its fields)."""
    drawn = []
    original = CallFilterForm.folded_fields_in_use
    monkeypatch.setattr(
        CallFilterForm, "folded_fields_in_use", property(lambda form: drawn.append(1) or original.fget(form))
    )
    return drawn


def filter_form(client, url: str, **params):
    # A signed-in reader with a message waiting, say, gets the page rendered (only the form kept).
    response = client.get(url, params)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser").select_one("form.call-filters")


@committed
def test_the_filter_form_is_kept_per_values_across_free_places_and_drawn_again_for_the_catalogue(
    client, forms_drawn
):
    listing_url = call_index_ensure().url
    shift = add_shift(make_call(), capacity=3)
    service = Service.objects.get(slug="street-sweeping-and-cleaning")

    first = filter_form(client, listing_url, _="1")
    again = filter_form(client, listing_url, _="2", page="1")  # another address, the same form
    assert len(forms_drawn) == 1
    assert str(again) == str(first)

    chosen = filter_form(client, listing_url, service=service.slug, _="3")
    assert len(forms_drawn) == 2
    assert chosen.select_one("select[name=service] option[selected]")["value"] == service.slug
    english = filter_form(client, "/en" + listing_url, _="4")
    assert len(forms_drawn) == 3
    assert english.select_one("label[for=id_service]").text.strip() == "Service"

    signup_create(shift=shift, volunteer=PersonFactory())  # free places change: the form does not
    filter_form(client, listing_url, _="5")
    assert len(forms_drawn) == 3

    service.short_name_fa = "رفت‌وروب خیابان‌ها"
    service.save()
    renamed = filter_form(client, listing_url, _="6")
    assert len(forms_drawn) == 4
    assert "رفت‌وروب خیابان‌ها" in renamed.select_one("select[name=service]").text


def service_choices(language: str) -> dict[str, str]:
    with translation.override(language):
        groups = CallFilterForm().fields["service"].choices[1:]
    return {slug: name for _department, services in groups for slug, name in services}


@committed
def test_the_forms_choices_are_made_once_per_language_and_copy_of_the_catalogue(monkeypatch):
    made = []
    department_name = Department.name
    monkeypatch.setattr(
        Department, "name", property(lambda self: made.append(1) or department_name.fget(self))
    )
    service = Service.objects.get(slug="street-sweeping-and-cleaning")
    service.short_name_en = "Sweeping"
    service.save()

    persian = service_choices("fa")
    after_first = len(made)
    assert service_choices("fa") == persian and len(made) == after_first  # made once for Persian
    assert service_choices("en")[service.slug] == "Sweeping" and len(made) > after_first
    assert persian[service.slug] == service.short_name_fa

    service.short_name_en = "Street sweeping"
    service.save()  # a new copy of the catalogue, and its own choices
    assert service_choices("en")[service.slug] == "Street sweeping"
