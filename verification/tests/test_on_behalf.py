"""Hours entered on someone's behalf: staff of the call's department record when a person worked (they
could not check in or report), clipped to the shift; the report is verified by someone else."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from campaigns.models import SignUp
from campaigns.tests.factories import PersonFactory, add_shift, publish_call
from verification import services
from verification.errors import DecisionRefused, ReportRefused
from verification.models import Completion
from verification.tests.factories import confirmed_signup, staff_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def past_shift():
    call = publish_call(service_slug="street-sweeping-and-cleaning")
    today_at_8 = timezone.localtime().replace(hour=8, minute=0, second=0, microsecond=0)
    start = today_at_8 - datetime.timedelta(days=1)
    shift = add_shift(call, starts_in=start - timezone.now(), hours=4)
    return shift


def at(shift, hour, minute=0):
    day = timezone.localtime(shift.starts_at).date()
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def test_staff_enter_clipped_hours_with_a_reason_and_someone_else_verifies(past_shift):
    person = PersonFactory()
    signup = confirmed_signup(past_shift, person)
    entering = staff_of("urban_services")

    completion = services.completion_report_on_behalf(
        signup=signup,
        actor=entering,
        started_at=at(past_shift, 7),
        ended_at=at(past_shift, 10, 30),
        reason="بی‌تلفن",
    )

    assert completion.hours == Decimal("2.50")  # 08:00 (the shift's start) to 10:30
    assert (completion.reported_by, completion.on_behalf_reason) == (entering, "بی‌تلفن")
    with pytest.raises(DecisionRefused) as own:
        services.completion_approve(completion=completion, actor=entering)
    assert own.value.code == "self_verification"
    services.completion_approve(completion=completion, actor=staff_of("urban_services"))
    completion.refresh_from_db()
    assert completion.status == Completion.Status.APPROVED


def test_a_no_show_mark_goes_and_a_reason_and_the_department_are_required(past_shift):
    signup = confirmed_signup(past_shift, PersonFactory())
    SignUp.objects.filter(pk=signup.pk).update(status=SignUp.Status.NO_SHOW)
    signup.refresh_from_db()

    with pytest.raises(ReportRefused):
        services.completion_report_on_behalf(
            signup=signup,
            actor=staff_of("urban_services"),
            started_at=at(past_shift, 8),
            ended_at=at(past_shift, 9),
            reason=" ",
        )
    client = Client()
    client.force_login(staff_of("cultural"))
    assert client.get(f"/admin/verification/signups/{signup.pk}/on-behalf/").status_code == 404
    client.force_login(staff_of("urban_services"))
    response = client.post(
        f"/admin/verification/signups/{signup.pk}/on-behalf/",
        {"started_at": "۰۸:۱۵", "ended_at": "۱۱:۱۵", "reason": "دستگاه ثبت حضور کار نکرد"},
    )
    assert response.status_code == 302
    signup.refresh_from_db()
    assert signup.status == SignUp.Status.CONFIRMED
    assert Completion.objects.get(signup=signup).hours == Decimal("3.00")
