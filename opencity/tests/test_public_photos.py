"""Before and after photos on the open city page: only of approved work, only when whoever reported it
allowed it, never when staff kept them off or the approval was revoked, gone as soon as consent is taken
back; and never with a name."""

import pytest
from django.core.cache import cache
from django.test import Client

from campaigns.tests.factories import PersonFactory
from opencity import selectors
from opencity import services as services_of_the_open_city
from verification import services
from verification.models import Completion
from verification.tests.factories import ended_signup, image_bytes, staff_of, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()


def reported_with_photos(*, public: bool) -> Completion:
    volunteer = PersonFactory(first_name="Parisa", last_name="Karimi")
    signup = ended_signup(volunteer=volunteer)
    photos = [("before", upload(image_bytes("PNG"), "b.png", "image/png")), ("after", upload(image_bytes()))]
    return services.completion_report(
        signup=signup, actor=volunteer, hours="2", photos=photos, photos_public=public
    )


def approved(completion: Completion) -> Completion:
    services.completion_approve(completion=completion, actor=staff_of("urban_services"))
    completion.refresh_from_db()
    return completion


def photo_urls(completion: Completion) -> list[str]:
    return [f"/open-city/photos/{photo.pk}.jpg" for photo in completion.photos.order_by("pk")]


def test_only_approved_work_whose_reporter_allowed_it_shows_its_photos(django_capture_on_commit_callbacks):
    shown = reported_with_photos(public=True)
    private = approved(reported_with_photos(public=False))
    pending = reported_with_photos(public=True)
    with django_capture_on_commit_callbacks(execute=True):
        approved(shown)
    client = Client()

    (row,) = selectors.public_photos()
    assert row["before"] == [shown.photos.get(kind="before").pk]
    assert row["after"] == [shown.photos.get(kind="after").pk]
    assert "Parisa" not in str(row) and "Karimi" not in str(row)
    assert all(client.get(url).status_code == 200 for url in photo_urls(shown))
    assert all(client.get(url).status_code == 404 for url in photo_urls(private) + photo_urls(pending))
    services_of_the_open_city.figures_refresh()  # as the beat does
    page = client.get("/en/open-city/").content.decode()
    assert photo_urls(shown)[1] in page and "Parisa" not in page and photo_urls(private)[1] not in page


def test_consent_taken_back_staff_keeping_them_off_or_a_revocation_takes_them_off_at_once(
    django_capture_on_commit_callbacks,
):
    completion = approved(reported_with_photos(public=True))
    reporter, staff = completion.reported_by, staff_of("urban_services")
    client = Client()
    assert len(selectors.public_photos()) == 1  # and kept

    with django_capture_on_commit_callbacks(execute=True):
        services.completion_photos_public_set(completion=completion, actor=reporter, public=False)
    assert selectors.public_photos() == [] and client.get(photo_urls(completion)[0]).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        services.completion_photos_public_set(completion=completion, actor=reporter, public=True)
        services.completion_photos_withhold(completion=completion, actor=staff, withheld=True)
    assert selectors.public_photos() == [] and client.get(photo_urls(completion)[0]).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        services.completion_photos_withhold(completion=completion, actor=staff, withheld=False)
    assert len(selectors.public_photos()) == 1

    with django_capture_on_commit_callbacks(execute=True):
        services.completion_revoke(completion=completion, actor=staff, reason="اشتباه")
    assert selectors.public_photos() == [] and client.get(photo_urls(completion)[0]).status_code == 404


def test_only_the_reporter_may_allow_and_only_the_departments_staff_may_keep_them_off():
    completion = approved(reported_with_photos(public=False))

    with pytest.raises(services.SignUpNotFound):
        services.completion_photos_public_set(completion=completion, actor=PersonFactory(), public=True)
    with pytest.raises(services.SignUpNotFound):
        services.completion_photos_withhold(completion=completion, actor=staff_of("cultural"), withheld=True)
    completion.refresh_from_db()
    assert (completion.photos_public, completion.photos_withheld_at) == (False, None)


def test_the_volunteer_and_staff_change_it_on_the_site_and_through_the_api(client):
    completion = approved(reported_with_photos(public=False))
    volunteer = completion.signup.volunteer

    client.force_login(volunteer)
    page = client.get(f"/en/completions/{completion.pk}/").content.decode()
    assert "Show them on the open city page" in page
    client.post(f"/en/completions/{completion.pk}/photos-public/", {"public": "1"})
    completion.refresh_from_db()
    assert completion.photos_public is True

    staff = staff_of("urban_services")
    client.force_login(staff)
    client.post(f"/admin/verification/{completion.pk}/photos-withhold/", {"withheld": "1"})
    completion.refresh_from_db()
    assert completion.photos_withheld_at is not None

    client.force_login(volunteer)
    address = f"/api/v1/completions/{completion.pk}/photos-public"
    response = client.put(address, {"public": False}, content_type="application/json")
    assert response.status_code == 200
    assert (response.json()["photos_public"], response.json()["photos_withheld"]) == (False, True)
    other = PersonFactory()
    client.force_login(other)
    response = client.put(address, {"public": True}, content_type="application/json")
    assert response.status_code == 404


def test_deleting_the_account_takes_the_persons_photos_off(django_capture_on_commit_callbacks):
    from credentials.erasure import account_erase

    completion = approved(reported_with_photos(public=True))
    assert len(selectors.public_photos()) == 1

    with django_capture_on_commit_callbacks(execute=True):
        account_erase(person=completion.signup.volunteer)

    assert selectors.public_photos() == []
    assert Client().get(photo_urls(completion)[1]).status_code == 404
