from decimal import Decimal

from ninja import Field, Schema


class MonthHoursOut(Schema):
    month: str = Field(description='The Jalali month, "YYYY-MM" ("1404-05" is Mordad 1404).')
    label: str = Field(description="The month's name and year in the request's language.")
    hours: Decimal


class ServicePointsOut(Schema):
    service_id: int
    service: str = Field(description="The service's short name in the request's language.")
    points: int


class DashboardOut(Schema):
    verified_hours: Decimal = Field(description="All hours staff ever verified for the person.")
    verified_shifts: int
    points_balance: int
    points_lifetime: int
    hours_by_month: list[MonthHoursOut] = Field(description="The last 12 Jalali months, oldest first.")
    points_by_service: list[ServicePointsOut] = Field(description="Most points first.")
