"""The statistics of a Delphi round: how a panel rated candidates, and how far its members agree.

Agreement is Kendall's coefficient of concordance W over the panellists' rankings of the candidates, with the
correction for tied ranks (a 5-point scale ties a lot), its chi-square statistic m(n − 1)W on n − 1 degrees of
freedom and that statistic's p-value. Ranks are taken within each panellist's answers, ties sharing their mean
rank. Plain functions over lists of numbers: the workbench and the public calculator both call them.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass


class NoVariation(ValueError):
    """Every panellist gave every candidate the same score: there are no rankings to agree on."""


@dataclass(frozen=True)
class Concordance:
    w: float
    chi_square: float
    df: int
    p_value: float
    raters: int
    items: int


@dataclass(frozen=True)
class Summary:
    """One candidate's answers: how many, their mean, sample standard deviation and share of 4s and 5s."""

    answers: int
    mean: float
    sd: float | None  # None with a single answer
    share_high: float


def mid_ranks(scores: Sequence[float]) -> list[float]:
    """Ranks 1..n of the scores, smallest first; tied scores share the mean of the ranks they span."""
    order = sorted(range(len(scores)), key=lambda index: scores[index])
    ranks = [0.0] * len(scores)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and scores[order[end + 1]] == scores[order[start]]:
            end += 1
        shared = (start + end) / 2 + 1  # the mean of ranks start+1 .. end+1
        for position in range(start, end + 1):
            ranks[order[position]] = shared
        start = end + 1
    return ranks


def kendall_w(ratings: Sequence[Sequence[float]]) -> Concordance:
    """Kendall's W of `ratings` (rows are panellists, columns candidates), corrected for ties.

    W = 12 S / (m²(n³ − n) − m ΣT), where S is the sum of squared deviations of the candidates' rank sums
    from their mean m(n + 1)/2 and T = Σ(t³ − t) over each panellist's groups of t tied scores.
    The caller checks the shape (at least two rows of the same length, at least two columns).
    """
    raters, items = len(ratings), len(ratings[0])
    rank_sums = [0.0] * items
    ties = 0
    for row in ratings:
        for index, rank in enumerate(mid_ranks(row)):
            rank_sums[index] += rank
        ties += sum(t**3 - t for t in Counter(row).values())
    mean_sum = raters * (items + 1) / 2
    s = sum((rank_sum - mean_sum) ** 2 for rank_sum in rank_sums)
    denominator = raters**2 * (items**3 - items) - raters * ties
    if denominator == 0:
        raise NoVariation()
    w = 12 * s / denominator
    df = items - 1
    chi_square = raters * df * w
    from scipy.stats import chi2  # imported here: only the workbench's pages pay for loading SciPy

    return Concordance(
        w=w, chi_square=chi_square, df=df, p_value=float(chi2.sf(chi_square, df)), raters=raters, items=items
    )


def summary(scores: Sequence[float], *, high: float = 4) -> Summary:
    """Mean, sample standard deviation (n − 1, as the study's statistics package gives it) and the share of
    answers at `high` or above."""
    count = len(scores)
    mean = sum(scores) / count
    sd = math.sqrt(sum((score - mean) ** 2 for score in scores) / (count - 1)) if count > 1 else None
    return Summary(
        answers=count, mean=mean, sd=sd, share_high=sum(1 for score in scores if score >= high) / count
    )
