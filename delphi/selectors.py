"""Reads of a Delphi study: which candidates a round puts before a panel, and what a panellist is shown of
the previous round (figures and comments, never who said what)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.localization import is_persian

from .models import Answer, Candidate, CandidateResult, Panel, Panellist, PanelResult, Round, Study


def candidates_in_round(*, study: Study, number: int, panel: Panel | None = None) -> QuerySet[Candidate]:
    """The candidates a round's panels rate: not dropped by an earlier round and, when the study screens
    them, allowed by the legal committee."""
    found = study.candidates.filter(Q(dropped_after_round__isnull=True) | Q(dropped_after_round__gte=number))
    if study.legal_screening:
        found = found.filter(legal=Candidate.Legal.ALLOWED)
    else:
        found = found.exclude(legal=Candidate.Legal.EXCLUDED)
    if panel is not None:
        found = found.filter(panel=panel)
    return found.order_by("sort_order", "pk")


def panellist_by_token(token: str) -> Panellist | None:
    return Panellist.objects.select_related("panel__study").filter(token=token).first()


def open_round(study: Study) -> Round | None:
    return study.rounds.filter(closed_at__isnull=True).order_by("-number").first()


@dataclass
class QuestionnaireItem:
    candidate: Candidate
    previous_mean: float | None = None
    previous_sd: float | None = None
    previous_share_high: float | None = None
    own_previous_score: int | None = None
    comments: tuple[str, ...] = ()  # the panel's comments in the previous round, without names


def _anonymous_order(answer_pk: int, round_pk: int) -> str:
    # Comments are shown in an order that says nothing about who wrote them or when they answered.
    return hashlib.sha256(f"{round_pk}:{answer_pk}".encode()).hexdigest()


def questionnaire(*, panellist: Panellist, round: Round) -> list[QuestionnaireItem]:
    """What a panellist answers in `round`, with the previous round's figures, the panel's comments in it
    (anonymous, in a shuffled order) and their own earlier score beside each candidate."""
    candidates = list(candidates_in_round(study=round.study, number=round.number, panel=panellist.panel))
    items = {candidate.pk: QuestionnaireItem(candidate) for candidate in candidates}
    previous = round.study.rounds.filter(number=round.number - 1).first()
    if previous is None:
        return list(items.values())
    for result in CandidateResult.objects.filter(round=previous, candidate_id__in=items):
        item = items[result.candidate_id]
        item.previous_mean, item.previous_sd = result.mean, result.sd
        item.previous_share_high = result.share_high
    answers = Answer.objects.filter(
        submission__round=previous, submission__panellist__panel=panellist.panel, candidate_id__in=items
    ).values_list("pk", "candidate_id", "comment", "score", "submission__panellist_id")
    comments: dict[int, list[tuple[str, str]]] = {}
    for answer_pk, candidate_id, comment, score, author_id in answers:
        if author_id == panellist.pk:
            items[candidate_id].own_previous_score = score
        if comment.strip():
            comments.setdefault(candidate_id, []).append((_anonymous_order(answer_pk, previous.pk), comment))
    for candidate_id, found in comments.items():
        items[candidate_id].comments = tuple(comment for _order, comment in sorted(found))
    return list(items.values())


def public_studies() -> QuerySet[Study]:
    """Studies anyone may read: running or closed, never a draft."""
    return Study.objects.exclude(status=Study.Status.DRAFT).order_by("-created_at")


@dataclass
class FunnelStep:
    label: str
    count: int


def study_funnel(study: Study) -> list[FunnelStep]:
    """From everything considered to what qualified: as published for a published study, otherwise counted
    from the study's candidates."""
    if study.figures_published:
        published = study.published_facts.get("funnel", [])
        return [FunnelStep(localized_text(step), step["count"]) for step in published]
    candidates = study.candidates.all()
    steps = [FunnelStep(str(_("candidates")), candidates.count())]
    if study.legal_screening:
        excluded = candidates.filter(legal=Candidate.Legal.EXCLUDED).count()
        steps.append(FunnelStep(str(_("excluded by the legal committee")), excluded))
    rated = candidates.filter(results__isnull=False).distinct()
    steps.append(FunnelStep(str(_("rated by the panels")), rated.count()))
    if study.rounds.filter(closed_at__isnull=False).exists():
        steps.append(FunnelStep(str(_("qualified")), rated.filter(dropped_after_round__isnull=True).count()))
    return steps


def localized_text(item: dict) -> str:
    """The reader's language of a {"fa": ..., "en": ...} item, Persian when English is missing."""
    return (item.get("fa") if is_persian() else item.get("en")) or item.get("fa", "")


@dataclass
class CandidateRow:
    candidate: Candidate
    results: list[CandidateResult | None]  # one per round of the panel, None after it dropped out


@dataclass
class PanelReport:
    panel: Panel
    rounds: list[PanelResult]
    candidates: list[CandidateRow]


def study_report(study: Study) -> list[PanelReport]:
    """Each panel's agreement round by round (W, its significance, its change), and its candidates' mean
    and SD in each round, as the study's tables give them."""
    panel_results: dict[int, list[PanelResult]] = {}
    found = PanelResult.objects.filter(round__study=study).select_related("round").order_by("round__number")
    for result in found:
        panel_results.setdefault(result.panel_id, []).append(result)
    candidate_results: dict[tuple[int, int], CandidateResult] = {
        (result.candidate_id, result.round_id): result
        for result in CandidateResult.objects.filter(round__study=study)
    }
    candidates: dict[int, list[Candidate]] = {}
    for candidate in study.candidates.select_related("promoted_service").order_by("sort_order", "pk"):
        candidates.setdefault(candidate.panel_id, []).append(candidate)
    reports = []
    for panel in study.panels.all():
        rounds = panel_results.get(panel.pk, [])
        round_ids = [result.round_id for result in rounds]
        rows = [
            CandidateRow(candidate, [candidate_results.get((candidate.pk, pk)) for pk in round_ids])
            for candidate in candidates.get(panel.pk, [])
        ]
        reports.append(PanelReport(panel, rounds, [row for row in rows if any(row.results)]))
    return reports


def shipped_study() -> Study | None:
    """The study the catalogue's services came from (its figures as published)."""
    return Study.objects.filter(figures_published=True).order_by("pk").first()


def study_source(study: Study) -> str:
    facts = study.published_facts
    return facts.get("source_fa" if is_persian() else "source_en") or facts.get("source_fa", "")


@dataclass
class Provenance:
    study: Study
    round_number: int
    mean: float | None
    sd: float | None
    w: float | None


def service_provenance(*, service) -> Provenance | None:
    """Where a catalogue service came from: the study, and its last round's figures and panel W."""
    candidate = Candidate.objects.select_related("study").filter(promoted_service=service).first()
    if candidate is None:
        return None
    last = candidate.results.select_related("round").order_by("-round__number").first()
    if last is None:
        return Provenance(candidate.study, 0, None, None, None)
    panel_result = PanelResult.objects.filter(round=last.round, panel_id=candidate.panel_id).first()
    return Provenance(
        candidate.study, last.round.number, last.mean, last.sd, panel_result.w if panel_result else None
    )
