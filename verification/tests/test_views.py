"""The volunteer's web pages (report, status, photos) and the staff's queue in the Wagtail admin."""

import pytest
from django.urls import reverse

from campaigns.tests.factories import PersonFactory, publish_call
from verification.models import Completion
from verification.services import completion_approve, completion_reject, completion_report
from verification.tests.factories import (
    TRAFFIC_SERVICE,
    confirmed_signup,
    ended_shift,
    ended_signup,
    image_bytes,
    jpeg_with_gps,
    reported,
    staff_of,
    team_place,
    team_with_manager,
    upload,
)

pytestmark = pytest.mark.django_db


def logged_in(client, user):
    client.force_login(user)
    return client


# --- Volunteers -----------------------------------------------------------------------------------------


def test_my_shifts_links_an_ended_shift_to_its_report(client):
    signup = ended_signup()

    page = logged_in(client, signup.volunteer).get(reverse("volunteer:my_shifts"))

    assert reverse("verification:report", args=[signup.pk]) in page.content.decode()


def test_the_reports_on_my_shifts_are_read_as_the_orm_reads_them():
    from verification.templatetags.verification_tags import _COMPLETIONS_OF_VOLUNTEER

    person, other = PersonFactory(), PersonFactory()
    reported(ended_signup(volunteer=person))
    reported(ended_signup(volunteer=person), hours="1")
    reported(ended_signup(volunteer=other))
    ended_signup(volunteer=person)  # not reported

    for someone in (person, other, PersonFactory()):
        composed = _COMPLETIONS_OF_VOLUNTEER.list(volunteer_id=someone.pk)
        expected = Completion.objects.filter(signup__volunteer=someone)
        fields = [field.attname for field in Completion._meta.concrete_fields]
        assert sorted([getattr(c, name) for name in fields] for c in composed) == sorted(
            [getattr(c, name) for name in fields] for c in expected
        )
    assert len(_COMPLETIONS_OF_VOLUNTEER.list(volunteer_id=person.pk)) == 2


def test_my_shifts_shows_the_reports_status(client):
    signup = ended_signup()
    completion = reported(signup)
    completion_reject(completion=completion, actor=staff_of(), reason="Wrong street")

    page = logged_in(client, signup.volunteer).get(reverse("volunteer:my_shifts")).content.decode()

    assert reverse("verification:detail", args=[completion.pk]) in page
    assert reverse("verification:report", args=[signup.pk]) not in page


def test_my_shifts_loads_reports_in_one_query(client, django_assert_max_num_queries):
    person = PersonFactory()
    shift = ended_shift()
    reported(confirmed_signup(shift, person))
    for _ in range(4):
        confirmed_signup(ended_shift(), person)
    client = logged_in(client, person)
    client.get(reverse("volunteer:my_shifts"))  # warm caches (site, pages) outside the count

    with django_assert_max_num_queries(12):
        client.get(reverse("volunteer:my_shifts"))


def test_report_form_sends_the_report_with_photos(client):
    signup = ended_signup(hours=3)
    client = logged_in(client, signup.volunteer)

    response = client.post(
        reverse("verification:report", args=[signup.pk]),
        {
            "hours": "۲",
            "note": "Cleaned",
            "before_photos": [upload(jpeg_with_gps(), "a.jpg")],
            "after_photos": [upload(image_bytes("PNG"), "b.png", "image/png")],
        },
    )

    completion = Completion.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("verification:detail", args=[completion.pk])
    assert completion.photos.count() == 2
    assert client.get(response.url).status_code == 200


def test_report_form_keeps_what_was_typed_after_a_refusal(client):
    signup = ended_signup(hours=3)

    response = logged_in(client, signup.volunteer).post(
        reverse("verification:report", args=[signup.pk]), {"hours": "9", "note": "My long note"}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "My long note" in page
    assert 'value="9"' in page
    assert "form__errors" in page
    assert not Completion.objects.exists()


def test_report_form_of_a_stranger_is_not_found(client):
    signup = ended_signup()

    response = logged_in(client, PersonFactory()).get(reverse("verification:report", args=[signup.pk]))

    assert response.status_code == 404


def test_a_made_report_redirects_to_its_page_and_shows_the_reason(client):
    signup = ended_signup()
    completion = reported(signup)
    completion_reject(completion=completion, actor=staff_of(), reason="The photo shows another street")
    client = logged_in(client, signup.volunteer)

    detail = client.get(reverse("verification:detail", args=[completion.pk])).content.decode()
    # Rejected once: the form is open again to correct it.
    form = client.get(reverse("verification:report", args=[signup.pk]))

    assert "The photo shows another street" in detail
    assert reverse("verification:report", args=[signup.pk]) in detail
    assert form.status_code == 200
    assert "The photo shows another street" in form.content.decode()


def test_a_pending_report_is_shown_instead_of_the_form(client):
    signup = ended_signup()
    completion = reported(signup)

    response = logged_in(client, signup.volunteer).get(reverse("verification:report", args=[signup.pk]))

    assert response.status_code == 302
    assert response.url == reverse("verification:detail", args=[completion.pk])


def test_a_manager_sees_team_members_work_to_report(client):
    member = PersonFactory(first_name="مریم", last_name="تیمی")
    manager, team = team_with_manager(member)
    signup = team_place(ended_shift(), team, member)

    page = logged_in(client, manager).get(reverse("verification:mine")).content.decode()

    assert "مریم تیمی" in page
    assert reverse("verification:report", args=[signup.pk]) in page
    assert logged_in(client, manager).get(reverse("verification:report", args=[signup.pk])).status_code == 200


def test_photos_are_shown_only_to_those_who_may_see_them(client):
    signup = ended_signup()
    completion = completion_report(
        signup=signup, actor=signup.volunteer, hours="1", photos=[("after", upload(jpeg_with_gps()))]
    )
    url = reverse("verification:photo", args=[completion.photos.get().pk])

    assert logged_in(client, signup.volunteer).get(url).status_code == 200
    assert logged_in(client, staff_of()).get(url).status_code == 200
    assert logged_in(client, staff_of("traffic")).get(url).status_code == 404
    assert logged_in(client, PersonFactory()).get(url).status_code == 404


# --- Staff in the Wagtail admin ---------------------------------------------------------------------------


def test_the_queue_shows_the_departments_reports_only(client):
    staff = staff_of()
    mine = reported(ended_signup(volunteer=PersonFactory(first_name="کاوه", last_name="شهری")))
    reported(
        ended_signup(
            call=publish_call(service_slug=TRAFFIC_SERVICE), volunteer=PersonFactory(last_name="ترافیکی")
        )
    )

    page = logged_in(client, staff).get(reverse("verification_admin:queue"))

    assert page.status_code == 200
    text = page.content.decode()
    assert "کاوه شهری" in text
    assert "ترافیکی" not in text
    assert reverse("verification_admin:decide", args=[mine.pk]) in text


def test_the_menu_shows_verification_to_staff_only(client):
    url = reverse("verification_admin:queue")

    assert url in logged_in(client, staff_of()).get(reverse("wagtailadmin_home")).content.decode()
    editor = PersonFactory(is_superuser=False)
    from django.contrib.auth.models import Permission

    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    home = logged_in(client, editor).get(reverse("wagtailadmin_home"))
    assert url not in home.content.decode()
    # Wagtail answers a PermissionDenied in the admin with a redirect home and a message.
    refused = logged_in(client, editor).get(url)
    assert (refused.status_code, refused.url) == (302, reverse("wagtailadmin_home"))


def test_a_volunteer_cannot_reach_the_queue(client):
    response = logged_in(client, PersonFactory()).get(reverse("verification_admin:queue"))

    # Without access to the admin, Wagtail sends them to log in as staff; they never see the queue.
    assert response.status_code == 302
    assert response.url.startswith(reverse("wagtailadmin_login"))


def test_another_departments_report_is_not_found_in_the_admin(client):
    completion = reported(ended_signup())
    traffic = logged_in(client, staff_of("traffic"))

    assert traffic.get(reverse("verification_admin:completion", args=[completion.pk])).status_code == 404
    assert (
        traffic.post(
            reverse("verification_admin:decide", args=[completion.pk]), {"action": "approve"}
        ).status_code
        == 404
    )
    completion.refresh_from_db()
    assert completion.status == "pending"


def test_approve_with_corrected_hours_from_the_admin(client):
    completion = reported(ended_signup(hours=3), hours="3")
    client = logged_in(client, staff_of())

    response = client.post(
        reverse("verification_admin:decide", args=[completion.pk]),
        {"action": "approve", "hours": "2.5", "expected_status": "pending"},
    )

    assert response.status_code == 302
    completion.refresh_from_db()
    assert (completion.status, completion.approved_hours) == ("approved", completion.approved_hours)
    assert str(completion.approved_hours) == "2.50"


def test_approving_hours_that_round_to_zero_from_the_admin_is_refused_with_a_message(client):
    completion = reported(ended_signup(hours=3), hours="2")
    client = logged_in(client, staff_of())

    response = client.post(
        reverse("verification_admin:decide", args=[completion.pk]),
        {"action": "approve", "hours": "0.001", "expected_status": "pending"},
        follow=True,
    )

    completion.refresh_from_db()
    assert (completion.status, completion.approved_hours) == ("pending", None)
    assert "۰٫۰۱" in response.content.decode()


def test_a_report_of_hours_that_round_to_zero_shows_a_form_error(client):
    signup = ended_signup(hours=3)

    response = logged_in(client, signup.volunteer).post(
        reverse("verification:report", args=[signup.pk]), {"hours": "0.001"}
    )

    assert response.status_code == 400
    assert "form__errors" in response.content.decode()
    assert not Completion.objects.exists()


def test_reject_without_a_reason_is_refused_with_a_message(client):
    completion = reported(ended_signup())
    client = logged_in(client, staff_of())

    response = client.post(
        reverse("verification_admin:decide", args=[completion.pk]),
        {"action": "reject", "reason": ""},
        follow=True,
    )

    completion.refresh_from_db()
    assert completion.status == "pending"
    assert "Say why" in response.content.decode() or "reason" in response.content.decode().lower()


def test_own_work_cannot_be_approved_from_the_admin(client):
    staff = staff_of()
    completion = reported(ended_signup(volunteer=staff))
    client = logged_in(client, staff)

    client.post(reverse("verification_admin:decide", args=[completion.pk]), {"action": "approve"})

    completion.refresh_from_db()
    assert completion.status == "pending"


def test_approve_all_and_revoke_from_the_admin_with_history(client):
    staff = staff_of()
    shift = ended_shift()
    completions = [reported(confirmed_signup(shift)) for _ in range(2)]
    own = reported(confirmed_signup(shift, staff))
    client = logged_in(client, staff)

    response = client.post(reverse("verification_admin:approve_all", args=[shift.pk]), follow=True)

    assert response.status_code == 200
    assert set(Completion.objects.filter(status="approved")) == set(completions)
    own.refresh_from_db()
    assert own.status == "pending"

    client.post(
        reverse("verification_admin:decide", args=[completions[0].pk]),
        {"action": "revoke", "reason": "Counted twice"},
    )
    completions[0].refresh_from_db()
    assert completions[0].status == "revoked"
    detail = client.get(reverse("verification_admin:completion", args=[completions[0].pk])).content.decode()
    assert "Counted twice" in detail
    assert staff.get_full_name() in detail


def test_second_approval_from_the_admin(client, settings):
    settings.VERIFICATION_SECOND_APPROVER_ABOVE_POINTS = 10
    completion = reported(ended_signup(hours=3), hours="2")  # 20 points
    completion_approve(completion=completion, actor=staff_of())
    page = logged_in(client, staff_of()).get(reverse("verification_admin:queue")).content.decode()
    assert "second" in page.lower()

    client.post(
        reverse("verification_admin:decide", args=[completion.pk]),
        {"action": "approve", "expected_status": "second"},
    )

    completion.refresh_from_db()
    assert completion.status == "approved"


def test_a_refusal_in_the_english_admin_is_in_english(client):
    from wagtail.users.models import UserProfile

    completion = reported(ended_signup())
    staff = staff_of()
    UserProfile.get_for_user(staff)
    UserProfile.objects.filter(user=staff).update(preferred_language="en")

    page = (
        logged_in(client, staff)
        .post(
            reverse("verification_admin:decide", args=[completion.pk]),
            {"action": "reject", "reason": ""},
            follow=True,
        )
        .content.decode()
    )

    assert "Say why the report is rejected" in page
    assert "دلیل رد گزارش" not in page
