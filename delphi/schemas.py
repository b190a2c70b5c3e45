from typing import Any

from ninja import Schema
from pydantic import Field


class RatingsIn(Schema):
    ratings: list[Any] = Field(
        description=(
            "Rows are panellists, columns are candidates, values the scores (numbers). Ranks are taken "
            "within each row, tied scores sharing their mean rank."
        ),
        examples=[[[5, 4, 4, 2], [5, 5, 3, 1], [4, 5, 3, 3]]],
    )


class ConcordanceOut(Schema):
    w: float = Field(description="Kendall's coefficient of concordance, corrected for tied ranks (0 to 1).")
    chi_square: float = Field(description="m(n − 1)W, Friedman's chi-square statistic.")
    df: int = Field(description="Degrees of freedom: candidates − 1.")
    p_value: float = Field(description="The chi-square statistic's upper-tail probability.")
    raters: int = Field(description="Panellists (rows).")
    items: int = Field(description="Candidates (columns).")
