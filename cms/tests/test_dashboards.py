"""The dashboards: the volunteer's figures page and API, the NGO's figures for its managers, and the
staff's panel on the Wagtail admin's home page."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from campaigns.tests.factories import PersonFactory
from campaigns.tests.teams import Ngo
from rewards import services as rewards_services
from rewards.tests.factories import approval_create
from verification.models import Completion
from verification.tests.factories import ended_shift, ended_signup, reported, staff_of, team_place
from volunteers.models import OrganisationMembership

pytestmark = pytest.mark.django_db


def with_verified_work(person, hours: str = "3"):
    approval = approval_create(
        volunteer=person, hours=Decimal(hours), worked_at=timezone.now() - datetime.timedelta(hours=30)
    )
    rewards_services.verification_points_credit(verification_id=approval.pk)
    return approval


# --- Volunteers -----------------------------------------------------------------------------------------


def test_the_volunteer_dashboard_asks_for_a_log_in(client):
    response = client.get(reverse("dashboards:volunteer"))

    assert response.status_code == 302 and reverse("volunteers:login") in response.url


def test_the_volunteer_sees_their_hours_and_points_as_charts_with_text_alternatives(client):
    person = PersonFactory()
    with_verified_work(person, "2.5")
    client.force_login(person)

    page = client.get(reverse("dashboards:volunteer")).content.decode()

    assert page.count('role="img"') == 2
    assert page.count('<table class="chart__table">') == 2
    assert "<desc id=" in page
    assert "۲٫۵" in page  # the hours, in Persian digits
    assert "css/charts.css" in page
    assert reverse("dashboards:volunteer") in client.get(reverse("volunteers:account")).content.decode()


def test_a_new_volunteer_gets_notes_instead_of_empty_charts(client):
    client.force_login(PersonFactory())

    response = client.get("/en" + reverse("dashboards:volunteer"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "<svg" not in page
    assert "No points yet." in page


def test_the_volunteer_dashboard_takes_the_same_queries_however_much_was_done(
    client, django_assert_num_queries
):
    person = PersonFactory()
    client.force_login(person)
    with_verified_work(person)
    client.get(reverse("dashboards:volunteer"))  # warm the session and the site caches

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("dashboards:volunteer"))
    for _more in range(3):
        with_verified_work(person)
    with django_assert_num_queries(len(few)):
        client.get(reverse("dashboards:volunteer"))


def test_the_api_gives_the_volunteers_figures(client):
    person = PersonFactory()
    with_verified_work(person, "3")
    assert client.get("/api/v1/me/dashboard").status_code == 401
    client.force_login(person)

    body = client.get("/api/v1/me/dashboard").json()

    assert Decimal(body["verified_hours"]) == Decimal("3") and body["verified_shifts"] == 1
    assert body["points_lifetime"] == 30 and body["points_by_service"][0]["points"] == 30
    assert len(body["hours_by_month"]) == 12
    assert sum(Decimal(month["hours"]) for month in body["hours_by_month"]) == Decimal("3")


# --- NGOs ----------------------------------------------------------------------------------------------


def test_ngo_managers_see_the_ngos_figures(client):
    ngo = Ngo(members=2)
    shift = ended_shift()
    completion = reported(team_place(shift, ngo.team, ngo.members[0]), hours="2")
    Completion.objects.filter(pk=completion.pk).update(status=Completion.Status.APPROVED, approved_hours=2)
    client.force_login(ngo.manager)
    url = reverse("dashboards:ngo_figures", args=[ngo.organisation.pk])

    response = client.get(url)

    assert response.status_code == 200
    figures = response.context["page"]
    assert (figures.places_reserved, figures.places_assigned) == (5, 1)
    assert figures.verified_hours == Decimal("2")
    assert response.content.decode().count('role="img"') == 3
    assert url in client.get(reverse("volunteers:ngo:dashboard", args=[ngo.organisation.pk])).content.decode()


def test_ngo_figures_are_refused_to_plain_members_and_hidden_from_others(client):
    ngo = Ngo(members=1)
    url = reverse("dashboards:ngo_figures", args=[ngo.organisation.pk])

    assert client.get(url).status_code == 302  # to log in
    client.force_login(ngo.members[0])
    assert client.get(url).status_code == 403
    client.force_login(PersonFactory())
    assert client.get(url).status_code == 404
    owner = PersonFactory()
    OrganisationMembership.objects.create(
        organisation=ngo.organisation, user=owner, role=OrganisationMembership.Role.OWNER
    )
    client.force_login(owner)
    assert client.get(url).status_code == 200


# --- Staff ----------------------------------------------------------------------------------------------


def test_staff_of_a_department_see_their_backlog_on_the_admin_home(client):
    waiting = reported(ended_signup())
    Completion.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - datetime.timedelta(days=5))
    client.force_login(staff_of("urban_services"))

    page = client.get(reverse("wagtailadmin_home")).content.decode()

    assert 'id="verification-dashboard' in page or "verification-dashboard" in page
    assert page.count('role="img"') >= 1
    assert "css/charts.css" in page


def test_admin_users_without_a_department_get_no_verification_panel(client):
    editor = PersonFactory()
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)

    page = client.get(reverse("wagtailadmin_home")).content.decode()

    assert "verification-dashboard" not in page
