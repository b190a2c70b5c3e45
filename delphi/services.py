"""The steps of a Delphi study: open a round, take a panellist's answers once, close the round (figures,
agreement, who drops out, whether to go on), screen and promote candidates."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from city.models import Service
from core.errors import DomainError
from core.localization import format_number
from core.outbox import send_after_commit

from . import selectors
from .errors import DelphiErrorCode, StudyConflict, StudyRefused
from .models import (
    Answer,
    Candidate,
    CandidateResult,
    Panel,
    Panellist,
    PanellistNotice,
    PanelResult,
    Round,
    Study,
    Submission,
)
from .notices import send_panellist_notice_task
from .statistics import NoVariation, kendall_w, summary


def _check_computed(study: Study) -> None:
    if study.figures_published:
        raise StudyRefused(
            DelphiErrorCode.FIGURES_PUBLISHED,
            _("This study's figures are as published; they cannot be changed or recomputed here."),
        )


@transaction.atomic
def round_open(*, study: Study, closes_at: datetime.datetime, actor, now=None) -> Round:
    """Opens the study's next round (the first one starts the study), for the candidates still in it."""
    now = now or timezone.now()
    study = Study.objects.select_for_update().get(pk=study.pk)
    _check_computed(study)
    if study.status == Study.Status.CLOSED:
        raise StudyRefused(DelphiErrorCode.STUDY_NOT_RUNNING, _("This study is closed."))
    last = study.rounds.order_by("-number").first()
    if last is not None and last.is_open:
        raise StudyConflict(
            DelphiErrorCode.ROUND_STILL_OPEN,
            _("Round %(number)s is still open: close it first.") % {"number": format_number(last.number)},
        )
    number = last.number + 1 if last else 1
    if number > study.max_rounds:
        raise StudyRefused(
            DelphiErrorCode.NO_MORE_ROUNDS,
            _("The study allows %(count)s rounds, and they have all been held.")
            % {"count": format_number(study.max_rounds)},
        )
    if closes_at <= now:
        raise StudyRefused(DelphiErrorCode.ROUND_CLOSED, _("The day answers are due must be in the future."))
    if not selectors.candidates_in_round(study=study, number=number).exists():
        raise StudyRefused(DelphiErrorCode.NO_CANDIDATES, _("No candidate is left for the panels to rate."))
    study.status = Study.Status.RUNNING
    study.save(update_fields=["status"])
    opened = Round.objects.create(study=study, number=number, opened_at=now, closes_at=closes_at)
    panellists = Panellist.objects.filter(panel__study=study, panel__excluded_after_round__isnull=True)
    _notices_send(round=opened, panellists=panellists, kind=PanellistNotice.Kind.INVITATION)
    return opened


def _notices_send(*, round: Round, panellists, kind: str) -> int:
    """Makes a notice of `kind` for each panellist who has none for the round, and hands each to the outbox
    in this transaction."""
    made = 0
    for panellist in panellists:
        notice, created = PanellistNotice.objects.get_or_create(panellist=panellist, round=round, kind=kind)
        if created:
            send_after_commit(send_panellist_notice_task, notice.pk)
            made += 1
    return made


# Panellists who have not answered hear once, this long before their round closes.
REMINDER_BEFORE = datetime.timedelta(hours=24)


def rounds_remind_and_close(*, now=None) -> dict[str, int]:
    """For the beat: reminds panellists who have not answered a round closing within REMINDER_BEFORE, and
    closes rounds whose day has passed (their figures computed as when staff close them)."""
    now = now or timezone.now()
    done = {"reminded": 0, "closed": 0}
    open_rounds = Round.objects.filter(closed_at__isnull=True, closes_at__isnull=False)
    for found in open_rounds.select_related("study"):
        if found.closes_at <= now:
            try:
                round_close(round=found, actor=None, now=now)
            except DomainError:
                continue  # closed meanwhile by staff, or a study whose figures are published
            done["closed"] += 1
        elif found.closes_at - now <= REMINDER_BEFORE:
            with transaction.atomic():
                waiting = Panellist.objects.filter(
                    panel__study=found.study, panel__excluded_after_round__isnull=True
                ).exclude(submissions__round=found)
                kind = PanellistNotice.Kind.REMINDER
                done["reminded"] += _notices_send(round=found, panellists=waiting, kind=kind)
    return done


@transaction.atomic
def answers_submit(*, panellist, round: Round, answers: dict[int, tuple[int, str]], now=None) -> Submission:
    """Records a panellist's answers to a round: a score on the study's scale for every candidate their
    panel rates this round, each with an optional comment. Once; the round must be open and not past due."""
    now = now or timezone.now()
    round = Round.objects.select_for_update().select_related("study").get(pk=round.pk)
    study = round.study
    if not round.is_open or now > round.closes_at:
        raise StudyConflict(
            DelphiErrorCode.ROUND_CLOSED, _("This round is closed; answers are no longer taken.")
        )
    in_round = selectors.candidates_in_round(study=study, number=round.number, panel=panellist.panel)
    expected = {candidate.pk: candidate for candidate in in_round}
    unknown = set(answers) - set(expected)
    if unknown:
        raise StudyRefused(
            DelphiErrorCode.NOT_A_CANDIDATE_OF_THE_PANEL,
            _("Some answers are for candidates your panel does not rate in this round."),
            details={"candidates": sorted(unknown)},
        )
    missing = set(expected) - set(answers)
    if missing:
        raise StudyRefused(
            DelphiErrorCode.ANSWERS_INCOMPLETE,
            _("Give a score to every candidate: %(count)s are without one.")
            % {"count": format_number(len(missing))},
            details={"candidates": sorted(missing)},
        )
    for candidate_id, (score, _comment) in answers.items():
        if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= study.scale_points:
            raise StudyRefused(
                DelphiErrorCode.SCORE_OFF_SCALE,
                _("Scores go from 1 to %(top)s.") % {"top": format_number(study.scale_points)},
                details={"candidate": candidate_id},
            )
    try:
        with transaction.atomic():
            submission = Submission.objects.create(round=round, panellist=panellist, submitted_at=now)
    except IntegrityError:
        raise StudyConflict(
            DelphiErrorCode.ALREADY_ANSWERED, _("You have already answered this round. Thank you!")
        ) from None
    Answer.objects.bulk_create(
        Answer(submission=submission, candidate_id=candidate_id, score=score, comment=comment.strip())
        for candidate_id, (score, comment) in answers.items()
    )
    return submission


def _qualifies(study: Study, figures) -> bool:
    if figures is None or figures.mean <= float(study.qualifying_mean):
        return False
    if study.qualifying_share_high is not None and figures.share_high < float(study.qualifying_share_high):
        return False
    return True


def _advice(*, study: Study, number: int, w: float | None, delta_w: float | None) -> str:
    if w is None:
        return PanelResult.Advice.UNDEFINED
    if number >= study.max_rounds:
        return PanelResult.Advice.STOP_MAX
    if delta_w is not None and abs(delta_w) < float(study.stop_delta_w):
        return PanelResult.Advice.STOP
    return PanelResult.Advice.CONTINUE


def _panel_round_close(*, round: Round, panel: Panel) -> PanelResult:
    study = round.study
    candidates = list(selectors.candidates_in_round(study=study, number=round.number, panel=panel))
    scores: dict[int, dict[int, int]] = {}  # panellist -> candidate -> score
    for panellist_id, candidate_id, score in Answer.objects.filter(
        submission__round=round, submission__panellist__panel=panel
    ).values_list("submission__panellist_id", "candidate_id", "score"):
        scores.setdefault(panellist_id, {})[candidate_id] = score
    high = study.scale_points - 1  # the top two points of the scale
    for candidate in candidates:
        given = [answers[candidate.pk] for answers in scores.values() if candidate.pk in answers]
        figures = summary(given, high=high) if given else None
        qualifies = _qualifies(study, figures)
        CandidateResult.objects.create(
            round=round,
            candidate=candidate,
            answers=len(given),
            mean=figures.mean if figures else None,
            sd=figures.sd if figures else None,
            share_high=figures.share_high if figures else None,
            qualifies=qualifies,
        )
        if not qualifies:
            Candidate.objects.filter(pk=candidate.pk).update(dropped_after_round=round.number)
    rows = [[answers[candidate.pk] for candidate in candidates] for answers in scores.values()]
    concordance = None
    if len(rows) >= 2 and len(candidates) >= 2:
        try:
            concordance = kendall_w(rows)
        except NoVariation:
            pass  # everyone gave every candidate the same score: W is not defined
    w = concordance.w if concordance else None
    previous = PanelResult.objects.filter(
        round__study=study, round__number=round.number - 1, panel=panel
    ).first()
    delta_w = w - previous.w if w is not None and previous is not None and previous.w is not None else None
    advice = _advice(study=study, number=round.number, w=w, delta_w=delta_w)
    went_on = round.candidate_results.filter(candidate__panel=panel, qualifies=True).exists()
    if candidates and not went_on:
        # None of the panel's candidates goes on: the panel leaves the study, as the study's panels 4–7 did.
        advice = PanelResult.Advice.EXCLUDED
        Panel.objects.filter(pk=panel.pk).update(excluded_after_round=round.number)
    return PanelResult.objects.create(
        round=round,
        panel=panel,
        raters=len(rows),
        items=len(candidates),
        w=w,
        chi_square=concordance.chi_square if concordance else None,
        df=concordance.df if concordance else None,
        p_value=concordance.p_value if concordance else None,
        delta_w=delta_w,
        advice=advice,
    )


@transaction.atomic
def round_close(*, round: Round, actor, now=None) -> list[PanelResult]:
    """Closes a round: each candidate's mean, SD and share of the top two points; each panel's Kendall's W
    (corrected for ties), its chi-square test and the change from the previous round; candidates that do
    not qualify drop out; each panel's advice to stop or go on by the study's rule."""
    now = now or timezone.now()
    round = Round.objects.select_for_update().select_related("study").get(pk=round.pk)
    _check_computed(round.study)
    if not round.is_open:
        raise StudyConflict(DelphiErrorCode.ROUND_CLOSED, _("This round is already closed."))
    results = [
        _panel_round_close(round=round, panel=panel)
        for panel in round.study.panels.filter(excluded_after_round__isnull=True)
    ]
    round.closed_at, round.closed_by = now, actor
    round.save(update_fields=["closed_at", "closed_by"])
    return results


def study_advice(study: Study) -> str | None:
    """The study's advice after its last closed round: stop when every panel's answers have settled (or
    the last round allowed was held), otherwise run another round; None before any round closed."""
    last = study.rounds.filter(closed_at__isnull=False).order_by("-number").first()
    if last is None:
        return None
    advices = set(last.panel_results.values_list("advice", flat=True))
    advice = PanelResult.Advice
    if advices and advices <= {advice.STOP, advice.STOP_MAX, advice.EXCLUDED}:
        return advice.STOP_MAX if advice.STOP_MAX in advices else advice.STOP
    return advice.CONTINUE


@transaction.atomic
def candidate_promote(
    *, candidate: Candidate, department, slug: str, short_name_fa: str, short_name_en: str = "", actor
) -> Service:
    """Makes a candidate that qualified in its last round a service of the catalogue, in `department`, with
    a link back to the study (its provenance); staff then publish calls for it."""
    candidate = Candidate.objects.select_for_update().select_related("study").get(pk=candidate.pk)
    _check_computed(candidate.study)
    if candidate.promoted_service_id is not None:
        raise StudyConflict(DelphiErrorCode.ALREADY_PROMOTED, _("This candidate is already a service."))
    last = candidate.results.filter(round__closed_at__isnull=False).order_by("-round__number").first()
    if last is None or not last.qualifies or candidate.dropped_after_round is not None:
        raise StudyRefused(
            DelphiErrorCode.CANDIDATE_NOT_QUALIFIED,
            _("Only a candidate that qualified in its last round can become a service."),
        )
    if Service.objects.filter(slug=slug).exists():
        raise StudyConflict(
            DelphiErrorCode.ALREADY_PROMOTED, _("A service with this address name exists; choose another.")
        )
    service = Service.objects.create(
        department=department,
        slug=slug,
        name_fa=candidate.name_fa,
        name_en=candidate.name_en,
        short_name_fa=short_name_fa,
        short_name_en=short_name_en,
        description_fa=candidate.description_fa,
        description_en=candidate.description_en,
    )
    candidate.promoted_service = service
    candidate.save(update_fields=["promoted_service"])
    return service
