"""Kendall's W and the round summaries, checked against examples worked by hand and against SciPy's own
Friedman test, which computes the same chi-square statistic from the other direction (it corrects the
statistic for ties rather than W)."""

import math

import pytest
from scipy.stats import chi2, friedmanchisquare

from delphi.statistics import NoVariation, kendall_w, mid_ranks, summary


def test_mid_ranks_share_the_mean_rank_among_ties():
    assert mid_ranks([5, 4, 4, 2]) == [4, 2.5, 2.5, 1]
    assert mid_ranks([3, 3, 3]) == [2, 2, 2]
    assert mid_ranks([1, 5, 2, 5, 5]) == [1, 4, 2, 4, 4]


def test_perfect_agreement_is_one():
    result = kendall_w([[1, 2, 3, 4]] * 3)

    assert result.w == pytest.approx(1)
    # chi-square = m(n − 1)W = 3 · 3 · 1 on 3 degrees of freedom.
    assert (result.chi_square, result.df, result.raters, result.items) == (pytest.approx(9), 3, 3, 4)
    assert result.p_value == pytest.approx(0.029291, abs=1e-6)


def test_opposite_rankings_agree_not_at_all():
    result = kendall_w([[1, 2, 3], [3, 2, 1]])

    assert result.w == pytest.approx(0)
    assert result.p_value == pytest.approx(1)


def test_ties_are_corrected_for_as_worked_by_hand():
    # Ranks within rows: [4, 2.5, 2.5, 1], [3.5, 3.5, 2, 1], [3, 4, 1.5, 1.5]; rank sums 10.5, 10, 6, 3.5
    # around a mean of 7.5, so S = 9 + 6.25 + 2.25 + 16 = 33.5. Each row has one pair tied: T = 3 · (2³ − 2)
    # = 18. W = 12 · 33.5 / (3² · (4³ − 4) − 3 · 18) = 402 / 486; without the correction it would be
    # 402 / 540.
    ratings = [[5, 4, 4, 2], [5, 5, 3, 1], [4, 5, 3, 3]]

    result = kendall_w(ratings)

    assert result.w == pytest.approx(402 / 486)
    assert result.chi_square == pytest.approx(3 * 3 * 402 / 486)
    assert result.p_value == pytest.approx(chi2.sf(3 * 3 * 402 / 486, 3))


def test_the_chi_square_equals_scipys_friedman_statistic_on_likert_answers_with_many_ties():
    ratings = [
        [5, 4, 3, 3, 2, 4, 5],
        [4, 4, 3, 2, 2, 5, 5],
        [5, 3, 3, 3, 1, 4, 4],
        [4, 4, 2, 3, 2, 4, 5],
        [5, 5, 3, 2, 1, 3, 4],
    ]
    columns = list(zip(*ratings, strict=True))

    result = kendall_w(ratings)
    friedman = friedmanchisquare(*columns)

    assert result.chi_square == pytest.approx(friedman.statistic)
    assert result.p_value == pytest.approx(friedman.pvalue)
    assert 0 < result.w < 1


def test_no_scores_to_rank_has_no_w():
    with pytest.raises(NoVariation):
        kendall_w([[3, 3, 3], [4, 4, 4]])


def test_summary_gives_mean_sample_sd_and_share_of_fours_and_fives():
    result = summary([5, 4, 4, 3])

    assert (result.answers, result.mean, result.share_high) == (4, 4, 0.75)
    assert result.sd == pytest.approx(math.sqrt(2 / 3))
    assert summary([4]).sd is None
