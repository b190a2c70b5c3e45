"""Staff publish calls through the Wagtail admin, each department only its own, and nothing people
signed up for is lost by editing, publishing, closing or deleting."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils.form_data import nested_form_data, streamfield

from campaigns.models import CallClosure, OpenCallPage, Shift, SignUp
from campaigns.notices import notify_call_stopped_task
from campaigns.services import department_section_ensure, departments_setup, signup_create
from campaigns.tests.factories import PersonFactory, add_shift, publish_call
from city.models import Department, District, Service

pytestmark = pytest.mark.django_db


def staff_of(department_slug: str, *, approver: bool = False):
    department = Department.objects.get(slug=department_slug)
    department_section_ensure(department=department)
    department.refresh_from_db()
    person = PersonFactory(is_staff=True)
    person.groups.add(department.approvers_group if approver else department.staff_group)
    return person


def section_of(department_slug: str):
    return department_section_ensure(department=Department.objects.get(slug=department_slug))


def call_form(service_slug: str, slug: str, **extra) -> dict:
    return nested_form_data(
        {
            "title": "رفت‌وروب چهارباغ",
            "title_en": "Sweeping Chaharbagh",
            "slug": slug,
            "service": Service.objects.get(slug=service_slug).pk,
            "summary_fa": "صبح جمعه چهارباغ را با هم تمیز می‌کنیم.",
            "summary_en": "",
            "body_fa": streamfield([]),
            "body_en": streamfield([]),
            "district": District.objects.get(number=3).pk,
            "address_fa": "خیابان چهارباغ عباسی",
            "address_en": "",
            "latitude": "32.650000",
            "longitude": "51.668000",
            "open_to_individuals": "on",
            "open_to_teams": "on",
            "min_age": "12",
            "max_guests": "0",
            "points_per_hour": "15",
            "contact_name": "",
            "contact_phone": "",
            **extra,
        }
    )


def add_url(section) -> str:
    return reverse("wagtailadmin_pages:add", args=["campaigns", "opencallpage", section.pk])


# --- Department scope ---------------------------------------------------------------------------------


def test_staff_are_offered_only_their_own_departments_services(client):
    client.force_login(staff_of("urban_services"))

    response = client.get(add_url(section_of("urban_services")))

    assert response.status_code == 200
    offered = set(response.context["form"].fields["service"].queryset.values_list("slug", flat=True))
    assert offered == set(
        Service.objects.filter(department__slug="urban_services").values_list("slug", flat=True)
    )


def test_urban_services_staff_cannot_create_a_cultural_call(client):
    client.force_login(staff_of("urban_services"))
    cultural = section_of("cultural")

    response = client.post(add_url(cultural), call_form("classes-and-workshops", "workshop"))

    assert response.status_code in (302, 403)
    assert not OpenCallPage.objects.filter(slug="workshop").exists()
    assert not OpenCallPage.objects.child_of(cultural).exists()


def test_a_cultural_service_cannot_be_slipped_into_the_urban_section(client):
    client.force_login(staff_of("urban_services"))

    response = client.post(
        add_url(section_of("urban_services")),
        call_form("classes-and-workshops", "slipped-in", **{"action-submit": "1"}),
    )

    assert response.status_code == 200
    assert "service" in response.context["form"].errors
    assert not OpenCallPage.objects.filter(slug="slipped-in").exists()


def test_staff_submit_and_their_departments_approver_publishes(client):
    editor, approver = staff_of("urban_services"), staff_of("urban_services", approver=True)
    client.force_login(editor)

    client.post(
        add_url(section_of("urban_services")),
        call_form("street-sweeping-and-cleaning", "sweep", **{"action-submit": "1"}),
    )

    call = OpenCallPage.objects.get(slug="sweep")
    assert not call.live
    workflow_state = call.current_workflow_state
    assert workflow_state.status == "in_progress"
    assert (
        Group.objects.get(name="Urban Services Deputy approvers")
        in workflow_state.current_task_state.task.specific.groups.all()
    )

    client.force_login(approver)
    response = client.post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=[call.pk, "approve", workflow_state.current_task_state.pk],
        ),
        {"comment": ""},
    )

    assert response.status_code in (200, 302)
    call.refresh_from_db()
    assert call.live


def test_staff_cannot_publish_without_approval(client):
    client.force_login(staff_of("traffic"))

    client.post(
        add_url(section_of("traffic")),
        call_form("street-traffic-information", "traffic-watch", **{"action-publish": "1"}),
    )

    assert not OpenCallPage.objects.get(slug="traffic-watch").live


def test_staff_of_another_department_cannot_touch_a_calls_shifts(client):
    shift = add_shift(publish_call(service_slug="street-sweeping-and-cleaning"))
    client.force_login(staff_of("cultural"))

    assert client.get(reverse("campaigns_shift:edit", args=[shift.pk])).status_code == 404
    assert client.post(reverse("campaigns_shift:delete", args=[shift.pk])).status_code == 404
    listing = client.get(reverse("campaigns_shift:index"))
    assert shift not in listing.context["object_list"]


# --- Nothing is lost by editing ---------------------------------------------------------------------


def shift_form(shift: Shift, **changes) -> dict:
    values = {
        "call": shift.call_id,
        "starts_at": shift.starts_at.strftime("%Y-%m-%d %H:%M"),
        "ends_at": shift.ends_at.strftime("%Y-%m-%d %H:%M"),
        "capacity": shift.capacity,
        "team_places": shift.team_places,
        "checkin_radius_m": "",
        "signups_close_at": "",
    }
    values.update(changes)
    return values


def test_a_shift_with_sign_ups_cannot_be_deleted(client):
    shift = add_shift(publish_call())
    signup_create(shift=shift, volunteer=PersonFactory())
    client.force_login(staff_of("urban_services"))

    response = client.post(reverse("campaigns_shift:delete", args=[shift.pk]), follow=True)

    assert Shift.objects.filter(pk=shift.pk).exists()
    assert SignUp.objects.filter(shift=shift).count() == 1
    shown = [str(message) for message in response.context["messages"]]
    # The staff area speaks Persian unless a person picks English in their profile.
    assert any("این نوبت را نمی‌توان حذف کرد: 1 نفر" in message for message in shown), shown


def test_a_shift_without_sign_ups_can_be_deleted(client):
    shift = add_shift(publish_call())
    client.force_login(staff_of("urban_services"))

    client.post(reverse("campaigns_shift:delete", args=[shift.pk]))

    assert not Shift.objects.filter(pk=shift.pk).exists()


def test_places_cannot_go_below_the_confirmed_count(client):
    shift = add_shift(publish_call(), capacity=5)
    for person in PersonFactory.create_batch(3):
        signup_create(shift=shift, volunteer=person)
    client.force_login(staff_of("urban_services"))

    refused = client.post(reverse("campaigns_shift:edit", args=[shift.pk]), shift_form(shift, capacity=2))
    accepted = client.post(reverse("campaigns_shift:edit", args=[shift.pk]), shift_form(shift, capacity=3))

    assert refused.status_code == 200 and "capacity" in refused.context["form"].errors
    assert accepted.status_code == 302
    shift.refresh_from_db()
    assert (shift.capacity, shift.confirmed_count) == (3, 3)


def test_publishing_new_and_old_revisions_keeps_shifts_sign_ups_and_counts():
    call = publish_call(title="نسخهٔ نخست")
    first_revision = call.latest_revision
    shift = add_shift(call, capacity=4)
    people = PersonFactory.create_batch(5)
    for person in people:
        signup_create(shift=shift, volunteer=person)

    call.title = "نسخهٔ دوم"
    call.save_revision().publish()
    first_revision.publish()  # e.g. a scheduled publish of a revision from before the shift existed

    shift.refresh_from_db()
    assert OpenCallPage.objects.get(pk=call.pk).title == "نسخهٔ نخست"
    assert shift.confirmed_count == 4 and shift.capacity == 4
    assert SignUp.objects.filter(shift=shift).count() == 5


def test_a_call_with_sign_ups_cannot_be_deleted_from_the_admin(client):
    call = publish_call()
    signup_create(shift=add_shift(call), volunteer=PersonFactory())
    client.force_login(PersonFactory(is_staff=True, is_superuser=True))

    client.post(reverse("wagtailadmin_pages:delete", args=[call.pk]))
    client.post(reverse("wagtailadmin_pages:delete", args=[call.get_parent().pk]))

    assert Page.objects.filter(pk=call.pk).exists()
    assert SignUp.objects.count() == 1


# --- Closing and unpublishing tell volunteers, once ----------------------------------------------------


def test_closing_a_call_tells_everyone_signed_up_exactly_once(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    call = publish_call()
    shift = add_shift(call, capacity=1)
    confirmed, waiting = PersonFactory.create_batch(2)
    signup_create(shift=shift, volunteer=confirmed)
    signup_create(shift=shift, volunteer=waiting)
    client.force_login(staff_of("urban_services"))

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("campaigns_close_call", args=[call.pk]), {"reason": "باران"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("campaigns_close_call", args=[call.pk]))
        call.unpublish()
    notify_call_stopped_task.apply(args=[call.pk])

    assert sorted(message.to[0] for message in mailoutbox) == sorted([confirmed.email, waiting.email])
    assert not SignUp.objects.filter(call_stopped_notified_at__isnull=True).exists()


def test_unpublishing_a_call_tells_those_signed_up(django_capture_on_commit_callbacks, mailoutbox):
    call = publish_call()
    person = PersonFactory()
    signup_create(shift=add_shift(call), volunteer=person)

    with django_capture_on_commit_callbacks(execute=True):
        call.unpublish()

    assert [message.to for message in mailoutbox] == [[person.email]]


def test_a_nul_character_in_the_reason_for_closing_is_dropped_not_a_server_error(client):
    call = publish_call()
    client.force_login(staff_of("urban_services"))

    response = client.post(reverse("campaigns_close_call", args=[call.pk]), {"reason": "باران\x00"})

    assert response.status_code == 302
    assert CallClosure.objects.get(call=call).reason == "باران"


def test_only_staff_who_may_edit_the_call_can_close_it(client):
    call = publish_call()
    client.force_login(staff_of("cultural"))

    response = client.post(reverse("campaigns_close_call", args=[call.pk]))

    assert response.status_code in (302, 403)
    assert not CallClosure.objects.filter(call=call).exists()


def test_setting_departments_up_again_changes_nothing():
    from django.contrib.auth.models import Group
    from wagtail.models import GroupPagePermission, Workflow, WorkflowTask

    def counts():
        return [model.objects.count() for model in (Group, GroupPagePermission, Workflow, WorkflowTask, Page)]

    departments_setup()
    first = counts()
    departments_setup()

    assert counts() == first
    for department in Department.objects.all():
        assert (
            department.calls_page.get_workflow().tasks.get().specific.groups.get()
            == department.approvers_group
        )


# --- Preview and scheduled publishing -------------------------------------------------------------------


def test_staff_can_preview_a_new_call_before_saving_it(client):
    client.force_login(staff_of("urban_services"))
    preview_url = reverse(
        "wagtailadmin_pages:preview_on_add",
        args=["campaigns", "opencallpage", section_of("urban_services").pk],
    )

    posted = client.post(preview_url, call_form("street-sweeping-and-cleaning", "previewed"))
    shown = client.get(preview_url)

    assert posted.json()["is_valid"] is True
    assert shown.status_code == 200
    assert "رفت‌وروب چهارباغ" in shown.content.decode()
    assert not OpenCallPage.objects.filter(slug="previewed").exists()


def test_a_call_scheduled_for_later_goes_live_when_beat_runs_the_publishing_task():
    from datetime import timedelta

    from django.utils import timezone

    from cms.tasks import publish_scheduled_pages_task

    call = publish_call(live=False)
    call.go_live_at = timezone.now() + timedelta(hours=1)
    revision = call.save_revision()
    revision.publish()  # with a go-live time ahead, publishing schedules instead
    call.refresh_from_db()
    assert not call.live

    publish_scheduled_pages_task.apply()
    assert not OpenCallPage.objects.get(pk=call.pk).live

    # The hour passes: move the schedule (and the time stored in the revision) into the past.
    moment = timezone.now() - timedelta(minutes=1)
    revision.approved_go_live_at = moment
    revision.content["go_live_at"] = moment.isoformat()
    revision.save(update_fields=["approved_go_live_at", "content"])
    publish_scheduled_pages_task.apply()
    assert OpenCallPage.objects.get(pk=call.pk).live
