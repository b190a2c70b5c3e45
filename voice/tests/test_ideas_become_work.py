"""Staff turn a citizen's idea into work: a draft open call of their department, or a candidate of a
Delphi study; the item links to it, and the citizen is told."""

import pytest
from django.contrib.auth.models import Permission

from campaigns.models import OpenCallPage
from city.models import District, Service
from delphi.models import Candidate, Panel, Study
from verification.tests.factories import staff_of
from voice import services
from voice.errors import ItemConflict, ItemRefused, NotYourDepartment
from voice.models import Kind
from volunteers.sms import OutboxSmsBackend

from .factories import department, limits_cleared, received

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh():
    limits_cleared()
    OutboxSmsBackend.outbox.clear()


def test_an_idea_becomes_a_draft_call_linked_back_and_the_citizen_is_told(django_capture_on_commit_callbacks):
    staff = staff_of("urban_services")
    item = received(kind=Kind.IDEA, title="باغچهٔ محله را ما نگه داریم", latitude=None, longitude=None)
    service = Service.objects.filter(department__slug="urban_services").first()

    with django_capture_on_commit_callbacks(execute=True):
        call = services.idea_to_call(
            item_id=item.pk, by=staff, service=service, district=District.objects.first()
        )

    call = OpenCallPage.objects.get(pk=call.pk)
    assert call.live is False and call.title == "باغچهٔ محله را ما نگه داریم" and call.service == service
    item.refresh_from_db()
    assert item.became_call == call
    assert item.steps.filter(action="became_work").exists()
    assert item.tracking_code in OutboxSmsBackend.outbox[-1]["text"]
    with pytest.raises(ItemConflict):
        services.idea_to_call(item_id=item.pk, by=staff, service=service, district=District.objects.first())


def test_only_ideas_and_suggestions_and_only_into_ones_own_department():
    staff = staff_of("urban_services")
    problem = received()
    service = Service.objects.filter(department__slug="urban_services").first()
    with pytest.raises(ItemRefused):
        services.idea_to_call(
            item_id=problem.pk, by=staff, service=service, district=District.objects.first()
        )
    idea = received(kind=Kind.IDEA, latitude=None, longitude=None)
    other = Service.objects.filter(department__slug="cultural").first()
    with pytest.raises(NotYourDepartment):
        services.idea_to_call(item_id=idea.pk, by=staff, service=other, district=District.objects.first())


def test_an_idea_becomes_a_candidate_of_a_study():
    staff = staff_of("urban_services")
    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="delphi"))
    study = Study.objects.create(
        title_fa="خدمات تازه", question_fa="؟", department=department("urban_services")
    )
    panel = Panel.objects.create(study=study, name_fa="پنل")
    item = received(kind=Kind.SUGGESTION, title="راهنمای گردشگران", latitude=None, longitude=None)

    candidate = services.idea_to_candidate(item_id=item.pk, by=staff, panel=panel)

    assert candidate.source == Candidate.Source.IDEA and candidate.name_fa == "راهنمای گردشگران"
    item.refresh_from_db()
    assert item.became_candidate == candidate
    study.status = Study.Status.CLOSED
    study.save()
    another = received(kind=Kind.IDEA, latitude=None, longitude=None)
    with pytest.raises(ItemRefused):
        services.idea_to_candidate(item_id=another.pk, by=staff, panel=panel)


def test_staff_turn_an_idea_into_a_call_from_the_item_page(client):
    staff = staff_of("urban_services")
    item = received(kind=Kind.IDEA, latitude=None, longitude=None)
    client.force_login(staff)
    page = client.get(f"/admin/voice/items/{item.pk}/")
    assert "to_call" in page.content.decode()
    service = Service.objects.filter(department__slug="urban_services").first()
    response = client.post(
        f"/admin/voice/items/{item.pk}/to_call/",
        {"service": service.pk, "district": District.objects.first().pk},
    )
    item.refresh_from_db()
    assert response.status_code == 302 and response.url == f"/admin/pages/{item.became_call_id}/edit/"
