"""A Delphi study under way, for a newcomer's local site: round 1 closed with its figures, round 2 open and
half answered, run by `staff-urban` (who gets the workbench's permissions). Idempotent: a second run changes
nothing. Called from `load_demo` as `demo_delphi_load()`."""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import timezone

from city.models import Department
from delphi import selectors, services
from delphi.models import Candidate, Panel, Panellist, Study

from .data import demo_data

DATA = demo_data("delphi")


def _answer(study, panellist, scores, comments=None) -> None:
    current = selectors.open_round(study)
    candidates = selectors.candidates_in_round(study=study, number=current.number, panel=panellist.panel)
    comments = comments or {}
    services.answers_submit(
        panellist=panellist,
        round=current,
        answers={
            candidate.pk: (score, comments.get(str(index), ""))
            for index, (candidate, score) in enumerate(zip(candidates, scores, strict=True))
        },
    )


@transaction.atomic
def demo_delphi_load(*, now=None) -> Study | None:
    """Creates the demo study once; None when it is there already."""
    now = now or timezone.now()
    coordinator = get_user_model().objects.filter(username="staff-urban").first()
    if coordinator is not None:
        coordinator.user_permissions.add(*Permission.objects.filter(content_type__app_label="delphi"))
    plan = DATA["study"]
    if Study.objects.filter(title_fa=plan["title_fa"]).exists():
        return None
    study = Study.objects.create(
        **{key: value for key, value in plan.items() if key != "department"},
        department=Department.objects.get(slug=plan["department"]),
        created_by=coordinator,
    )
    panel = Panel.objects.create(study=study, **DATA["panel"])
    for order, candidate in enumerate(DATA["candidates"]):
        Candidate.objects.create(study=study, panel=panel, sort_order=order, legal="allowed", **candidate)
    panellists = [Panellist.objects.create(panel=panel, **person) for person in DATA["panellists"]]
    # Panellists of the demo have no e-mail or mobile: opening rounds tells no one.
    first = services.round_open(study=study, closes_at=now + datetime.timedelta(days=7), actor=coordinator)
    for panellist, scores in zip(panellists, DATA["round_1"], strict=True):
        _answer(study, panellist, scores, DATA["round_1_comments"] if panellist is panellists[0] else None)
    services.round_close(round=first, actor=coordinator, now=now)
    services.round_open(study=study, closes_at=now + datetime.timedelta(days=10), actor=coordinator)
    for panellist, scores in zip(panellists, DATA["round_2_answered"], strict=False):
        _answer(study, panellist, scores)
    return study
