"""The catalogue holds exactly the study's 21 services with the study's figures, loaded idempotently."""

import json
from decimal import Decimal

import pytest

from city.catalogue import CATALOGUE_PATH, catalogue_load
from city.models import DelphiRound, Department, Service

pytestmark = pytest.mark.django_db


def load_catalogue():
    return catalogue_load(department_model=Department, service_model=Service, delphi_round_model=DelphiRound)


def test_the_migration_loads_the_21_crowdsourceable_services_by_department():
    counts = {department.slug: department.services.count() for department in Department.objects.all()}

    assert counts == {"urban_services": 12, "traffic": 2, "cultural": 7}
    assert Service.objects.count() == 21
    assert sorted(Service.objects.values_list("study_number", flat=True)) == list(range(1, 22))


def test_every_service_carries_the_studys_three_delphi_rounds():
    shipped = json.loads(CATALOGUE_PATH.read_text(encoding="utf-8"))

    for service_data in shipped["services"]:
        service = Service.objects.get(slug=service_data["slug"])
        stored = {r.round_number: (r.mean, r.standard_deviation) for r in service.delphi_rounds.all()}
        expected = {
            int(key.removeprefix("round_")): (Decimal(str(v["mean"])), Decimal(str(v["sd"])))
            for key, v in service_data["delphi"].items()
        }
        assert stored == expected, service.slug
        assert service.department.slug == service_data["department"]
        assert service.name_fa == service_data["name_fa"]
        assert service.name_en == service_data["name_en"]


def test_known_figures_from_the_study_tables():
    job_bazaars = Service.objects.get(study_number=21)
    final_round = job_bazaars.delphi_rounds.get(round_number=3)
    cultural = Department.objects.get(slug="cultural")

    assert job_bazaars.slug == "vulnerable-groups-job-bazaars"
    assert (final_round.mean, final_round.standard_deviation) == (Decimal("4.96"), Decimal("0.87"))
    assert cultural.name_fa == "معاونت فرهنگی"
    assert (cultural.kendall_w_round_2, cultural.kendall_w_round_3) == (Decimal("0.952"), Decimal("0.962"))
    assert cultural.panel_size == 12
    # Every service made the cut: its final mean is above the neutral point of 3.
    assert not DelphiRound.objects.filter(round_number=3, mean__lte=3).exists()


def test_loading_again_changes_nothing():
    before = list(Service.objects.order_by("pk").values()), list(DelphiRound.objects.order_by("pk").values())

    created = load_catalogue()

    after = list(Service.objects.order_by("pk").values()), list(DelphiRound.objects.order_by("pk").values())
    assert created == {"departments": 0, "services": 0}
    assert after == before


def test_loading_again_keeps_staff_wording_but_restores_the_studys_figures():
    # given staff reworded a service and someone corrupted a study figure
    Service.objects.filter(slug="tourist-tours").update(short_name_en="City walks")
    DelphiRound.objects.filter(service__slug="tourist-tours", round_number=3).update(mean=Decimal("1.00"))
    Department.objects.filter(slug="traffic").update(panel_size=99)

    # when
    load_catalogue()

    # then
    service = Service.objects.get(slug="tourist-tours")
    assert service.short_name_en == "City walks"
    assert service.delphi_rounds.get(round_number=3).mean == Decimal("4.68")
    assert Department.objects.get(slug="traffic").panel_size == 12


def test_a_deleted_service_is_loaded_again_and_staff_services_are_left_alone():
    Service.objects.get(slug="tourist-tours").delete()
    urban = Department.objects.get(slug="urban_services")
    Service.objects.create(department=urban, slug="snow-clearing", name_fa="برف‌روبی", short_name_fa="برف‌روبی")

    created = load_catalogue()

    assert created == {"departments": 0, "services": 1}
    assert Service.objects.filter(slug="snow-clearing", study_number=None).exists()
    assert Service.objects.count() == 22
