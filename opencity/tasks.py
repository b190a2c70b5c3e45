from celery import shared_task

from . import services


@shared_task(acks_late=True)
def equity_bonus_refresh_task() -> int:
    return services.equity_bonus_refresh()


@shared_task
def open_city_refresh_task() -> dict:
    return services.figures_refresh()
