"""Impact measures: a report carries what the work achieved by the service's measures; staff approve the
figures with the hours (as reported or corrected); wrong figures are refused with a clear reason and the
report keeps nothing half-written."""

from decimal import Decimal

import pytest
from django.test import Client

from campaigns.tests.factories import publish_call
from core.errors import DomainError
from verification import services
from verification.models import Completion, ImpactFigure, ImpactMeasure
from verification.tests.factories import ended_signup, staff_of

pytestmark = pytest.mark.django_db


def street_signup():
    return ended_signup()  # a street cleaning call: bags and kilograms of waste


def test_the_catalogue_comes_with_measures_for_every_service():
    assert ImpactMeasure.objects.values("service").distinct().count() == 21
    bags = ImpactMeasure.objects.get(service__slug="street-sweeping-and-cleaning", key="waste-bags")
    assert (bags.kind, bags.unit_en, bags.max_per_report) == ("number", "bags", 200)
    assert ImpactMeasure.objects.filter(service__slug="street-traffic-information", kind="check").count() == 3


def test_a_report_carries_its_figures_and_an_approval_approves_them_as_corrected():
    signup = street_signup()
    completion = services.completion_report(
        signup=signup, actor=signup.volunteer, hours="2", measures={"waste-bags": "۱۲", "waste-kg": "80.5"}
    )
    figures = {figure.measure.key: figure for figure in completion.impact_figures.select_related("measure")}
    assert (figures["waste-bags"].value, figures["waste-kg"].value) == (Decimal(12), Decimal("80.5"))
    assert all(figure.approved_value is None for figure in figures.values())

    staff = staff_of("urban_services")
    services.completion_approve(completion=completion, actor=staff, figures={"waste-kg": "60"})

    approved = dict(completion.impact_figures.values_list("measure__key", "approved_value"))
    assert approved == {"waste-bags": Decimal(12), "waste-kg": Decimal(60)}


@pytest.mark.parametrize(
    ("measures", "code"),
    [
        ({"trees-tended": 3}, "measure_unknown"),  # another service's measure
        ({"waste-bags": "-1"}, "measure_invalid"),
        ({"waste-bags": "201"}, "measure_invalid"),  # above the most in one report
        ({"waste-bags": "many"}, "measure_invalid"),
        ({"waste-bags": True}, "measure_invalid"),
        ({"waste-bags": "NaN"}, "measure_invalid"),
    ],
)
def test_wrong_figures_are_refused_and_nothing_is_kept(measures, code):
    signup = street_signup()

    with pytest.raises(DomainError) as refused:
        services.completion_report(signup=signup, actor=signup.volunteer, hours="2", measures=measures)

    assert refused.value.code == code
    assert not Completion.objects.filter(signup=signup).exists() and not ImpactFigure.objects.exists()


def test_a_checklist_item_is_observed_or_not():
    signup = ended_signup(call=publish_call(service_slug="street-traffic-information"))
    completion = services.completion_report(
        signup=signup,
        actor=signup.volunteer,
        hours="1",
        measures={"places-observed": 4, "heavy-traffic": True, "signal-fault": False},
    )

    assert dict(completion.impact_figures.values_list("measure__key", "value")) == {
        "places-observed": Decimal(4),
        "heavy-traffic": Decimal(1),
        "signal-fault": Decimal(0),
    }


def test_the_web_form_and_the_api_take_figures_in_the_readers_language():
    signup = street_signup()
    client = Client()
    client.force_login(signup.volunteer)

    page = client.get(f"/completions/signups/{signup.pk}/report/").content.decode()
    assert 'name="measure_waste-bags"' in page and "کیسهٔ پسماند" in page
    address = f"/completions/signups/{signup.pk}/report/"
    refused = client.post(address, {"hours": "2", "measure_waste-bags": "۵۰۰"})
    assert refused.status_code == 400 and "۲۰۰" in refused.content.decode()
    client.post(address, {"hours": "2", "measure_waste-bags": "۷"})
    completion = Completion.objects.get(signup=signup)
    assert dict(completion.impact_figures.values_list("measure__key", "value")) == {"waste-bags": Decimal(7)}

    other = street_signup()
    client.force_login(other.volunteer)
    response = client.post(
        f"/api/v1/signups/{other.pk}/completion",
        {"hours": "2", "measures": {"waste-kg": 30, "nope": 1}},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400 and response.json()["error"]["code"] == "measure_unknown"
    assert "does not measure" in response.json()["error"]["message"]
    response = client.post(
        f"/api/v1/signups/{other.pk}/completion", {"hours": "2", "measures": {"waste-kg": 30}},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 201
    assert [(f["key"], f["value"]) for f in response.json()["impact"]] == [("waste-kg", "30.00")]
    measures = Client().get("/api/v1/services/street-sweeping-and-cleaning/impact-measures").json()
    assert [measure["key"] for measure in measures] == ["waste-bags", "waste-kg"]


def test_staff_correct_figures_from_the_reports_page(client):
    signup = street_signup()
    completion = services.completion_report(
        signup=signup, actor=signup.volunteer, hours="2", measures={"waste-bags": 9}
    )
    client.force_login(staff_of("urban_services"))

    page = client.get(f"/admin/verification/{completion.pk}/").content.decode()
    assert 'name="figure_waste-bags"' in page
    client.post(
        f"/admin/verification/{completion.pk}/decide/",
        {"action": "approve", "expected_status": "pending", "figure_waste-bags": "۶"},
    )

    figure = completion.impact_figures.get()
    assert (figure.value, figure.approved_value) == (Decimal(9), Decimal(6))


def test_a_correction_of_a_figure_the_report_does_not_have_is_refused_not_dropped():
    signup = street_signup()
    completion = services.completion_report(
        signup=signup, actor=signup.volunteer, hours="2", measures={"waste-bags": 3}
    )

    with pytest.raises(DomainError) as refused:
        services.completion_approve(
            completion=completion, actor=staff_of("urban_services"), figures={"waste-kg": "40"}
        )

    assert refused.value.code == "measure_unknown"
    completion.refresh_from_db()
    assert completion.status == Completion.Status.PENDING
    assert completion.impact_figures.get().approved_value is None
