from enum import StrEnum

from core.errors import DomainError


class DelphiErrorCode(StrEnum):
    RATINGS_NOT_A_TABLE = "ratings_not_a_table"
    RATINGS_RAGGED = "ratings_ragged"
    TOO_FEW_RATERS = "too_few_raters"
    TOO_FEW_ITEMS = "too_few_items"
    RATING_NOT_A_NUMBER = "rating_not_a_number"
    TOO_MANY_RATINGS = "too_many_ratings"
    NO_VARIATION = "no_variation"


class RatingsRefused(DomainError):
    """The ratings sent to the calculator cannot be ranked as they are (a 400, saying what to fix)."""
