from decimal import Decimal

from ninja import Schema

from .models import DelphiRound, Department, Service


class DepartmentOut(Schema):
    slug: str
    name: str
    name_fa: str
    name_en: str
    panel_size: int | None
    kendall_w_round_2: Decimal | None
    kendall_w_round_3: Decimal | None

    @staticmethod
    def resolve_name(department: Department) -> str:
        return department.name


class DelphiRoundOut(Schema):
    round: int
    mean: Decimal
    standard_deviation: Decimal

    @staticmethod
    def resolve_round(delphi_round: DelphiRound) -> int:
        return delphi_round.round_number


class ServiceOut(Schema):
    slug: str
    study_number: int | None
    name: str
    short_name: str
    name_fa: str
    name_en: str
    short_name_fa: str
    short_name_en: str
    description: str
    department: DepartmentOut
    delphi_rounds: list[DelphiRoundOut]
    url: str

    @staticmethod
    def resolve_url(service: Service, context) -> str:
        return context["request"].build_absolute_uri(service.get_absolute_url())

    @staticmethod
    def resolve_delphi_rounds(service: Service) -> list[DelphiRound]:
        return list(service.delphi_rounds.all())
