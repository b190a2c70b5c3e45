"""A study run round by round: answers taken once and whole, figures and agreement at closing, candidates
that do not qualify dropping out, the previous round shown to panellists without names, and the advice to
stop by the study's rule."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from delphi import selectors, services
from delphi.errors import DelphiErrorCode
from delphi.models import Candidate, CandidateResult, Panel, Panellist, PanelResult, Study
from delphi.statistics import kendall_w

pytestmark = pytest.mark.django_db

SOON = datetime.timedelta(days=7)


@pytest.fixture
def study():
    """A study with one panel of three panellists rating four candidates."""
    found = Study.objects.create(title_fa="خدمات تازه", question_fa="تا چه اندازه قابل جمع‌سپاری است؟")
    panel = Panel.objects.create(study=found, name_fa="پنل خدمات شهری")
    for number in range(4):
        Candidate.objects.create(study=found, panel=panel, name_fa=f"خدمت {number}", sort_order=number)
    for role in ("professor", "process", "staff_owner"):
        Panellist.objects.create(panel=panel, role=role, name=f"Expert {role}")
    return found


def open_round(study, **kwargs):
    return services.round_open(study=study, closes_at=timezone.now() + SOON, actor=None, **kwargs)


def answer(panellist, round, scores, comments=None):
    in_round = selectors.candidates_in_round(study=round.study, number=round.number, panel=panellist.panel)
    candidates = list(in_round)
    comments = comments or {}
    return services.answers_submit(
        panellist=panellist,
        round=round,
        answers={
            candidate.pk: (score, comments.get(index, ""))
            for index, (candidate, score) in enumerate(zip(candidates, scores, strict=True))
        },
    )


def code_of(error_info) -> str:
    return error_info.value.code


def test_a_round_closes_with_each_candidates_figures_and_the_panels_agreement(study):
    first = open_round(study)
    table = [[5, 4, 2, 1], [5, 4, 3, 2], [4, 5, 2, 1]]
    for panellist, scores in zip(Panellist.objects.order_by("pk"), table, strict=True):
        answer(panellist, first, scores, comments={2: "هزینهٔ زیادی دارد"})

    [result] = services.round_close(round=first, actor=None)

    expected = kendall_w(table)
    assert (result.raters, result.items) == (3, 4)
    assert result.w == pytest.approx(expected.w)
    assert result.p_value == pytest.approx(expected.p_value)
    assert (result.df, result.delta_w, result.advice) == (3, None, PanelResult.Advice.CONTINUE)
    figures = {
        row.candidate.sort_order: (round(row.mean, 2), row.qualifies)
        for row in CandidateResult.objects.filter(round=first).select_related("candidate")
    }
    assert figures == {0: (4.67, True), 1: (4.33, True), 2: (2.33, False), 3: (1.33, False)}
    # Only the two that qualified (mean above 3) go on to round 2.
    assert [c.sort_order for c in selectors.candidates_in_round(study=study, number=2)] == [0, 1]
    assert set(Candidate.objects.filter(dropped_after_round=1).values_list("sort_order", flat=True)) == {2, 3}


def test_round_two_shows_the_previous_figures_anonymous_comments_and_ones_own_score(study):
    first = open_round(study)
    experts = list(Panellist.objects.order_by("pk"))
    answer(experts[0], first, [5, 4, 2, 1], comments={0: "شهروندان تجربهٔ خوبی دارند"})
    answer(experts[1], first, [4, 4, 3, 2], comments={0: "نیاز به آموزش دارد"})
    answer(experts[2], first, [4, 5, 2, 1])
    services.round_close(round=first, actor=None)
    second = open_round(study)

    items = selectors.questionnaire(panellist=experts[1], round=second)

    assert [item.candidate.sort_order for item in items] == [0, 1]
    assert items[0].previous_mean == pytest.approx(13 / 3)
    assert items[0].own_previous_score == 4
    assert sorted(items[0].comments) == sorted(["شهروندان تجربهٔ خوبی دارند", "نیاز به آموزش دارد"])
    # Nothing in what a panellist is shown names another panellist.
    shown = repr([vars(item) for item in items])
    assert not any(expert.name in shown for expert in experts)


@pytest.mark.parametrize(("threshold", "advice"), [("0.200", "stop"), ("0.100", "continue")])
def test_the_study_stops_when_w_changes_by_less_than_its_threshold(study, threshold, advice):
    Study.objects.filter(pk=study.pk).update(stop_delta_w=Decimal(threshold))
    study.refresh_from_db()
    experts = list(Panellist.objects.order_by("pk"))
    first = open_round(study)
    round_one = [[5, 4, 2, 1], [4, 5, 2, 3], [5, 4, 2, 1]]
    for expert, scores in zip(experts, round_one, strict=True):
        answer(expert, first, scores)
    services.round_close(round=first, actor=None)
    second = open_round(study)
    for expert in experts:
        answer(expert, second, [5, 4])

    [result] = services.round_close(round=second, actor=None)

    # Round 1's W by hand: rank sums 11, 10, 5, 4 around 7.5, S = 37, W = 12 · 37 / (9 · 60) = 0.8222; round
    # 2's perfect agreement changes it by 0.1778, under 0.2 and over 0.1.
    assert PanelResult.objects.get(round=first).w == pytest.approx(444 / 540)
    assert result.w == pytest.approx(1)
    assert result.delta_w == pytest.approx(1 - 444 / 540)
    assert (result.advice, services.study_advice(study)) == (advice, advice)


def test_the_last_round_allowed_advises_stopping_and_no_further_round_opens(study):
    study.max_rounds = 1
    study.save()
    first = open_round(study)
    for expert, scores in zip(Panellist.objects.order_by("pk"), [[5, 4, 2, 1]] * 3, strict=True):
        answer(expert, first, scores)

    [result] = services.round_close(round=first, actor=None)

    assert result.advice == PanelResult.Advice.STOP_MAX
    with pytest.raises(services.StudyRefused) as refused:
        open_round(study)
    assert code_of(refused) == DelphiErrorCode.NO_MORE_ROUNDS


def test_a_panellist_answers_a_round_once_and_whole_on_the_scale(study):
    first = open_round(study)
    expert = Panellist.objects.first()
    candidates = list(selectors.candidates_in_round(study=study, number=1))

    with pytest.raises(services.StudyRefused) as incomplete:
        services.answers_submit(panellist=expert, round=first, answers={candidates[0].pk: (4, "")})
    assert code_of(incomplete) == DelphiErrorCode.ANSWERS_INCOMPLETE
    with pytest.raises(services.StudyRefused) as off_scale:
        answer(expert, first, [5, 4, 6, 1])
    assert code_of(off_scale) == DelphiErrorCode.SCORE_OFF_SCALE

    answer(expert, first, [5, 4, 3, 1])
    with pytest.raises(services.StudyConflict) as twice:
        answer(expert, first, [1, 1, 1, 1])
    assert code_of(twice) == DelphiErrorCode.ALREADY_ANSWERED
    assert expert.submissions.get().answers.count() == 4


def test_answers_after_the_round_closed_are_refused(study):
    first = open_round(study)
    services.round_close(round=first, actor=None)

    with pytest.raises(services.StudyConflict) as closed:
        answer(Panellist.objects.first(), first, [5, 4, 3, 1])
    assert code_of(closed) == DelphiErrorCode.ROUND_CLOSED


def test_a_round_with_identical_scores_everywhere_has_no_w_and_says_so(study):
    first = open_round(study)
    for expert in Panellist.objects.all():
        answer(expert, first, [4, 4, 4, 4])

    [result] = services.round_close(round=first, actor=None)

    assert (result.w, result.advice) == (None, PanelResult.Advice.UNDEFINED)


def test_legal_screening_keeps_excluded_candidates_from_the_panels(study):
    study.legal_screening = True
    study.save()
    allowed, excluded, *pending = study.candidates.order_by("sort_order")
    Candidate.objects.filter(pk=allowed.pk).update(legal=Candidate.Legal.ALLOWED)
    Candidate.objects.filter(pk=excluded.pk).update(legal=Candidate.Legal.EXCLUDED, legal_reason="ممنوع")

    assert list(selectors.candidates_in_round(study=study, number=1)) == [allowed]


def test_a_study_with_published_figures_cannot_be_run_here(study):
    Study.objects.filter(pk=study.pk).update(figures_published=True)
    study.refresh_from_db()

    with pytest.raises(services.StudyRefused) as refused:
        open_round(study)
    assert code_of(refused) == DelphiErrorCode.FIGURES_PUBLISHED
