from enum import StrEnum

from core.errors import ConflictError, DomainError


class DelphiErrorCode(StrEnum):
    RATINGS_NOT_A_TABLE = "ratings_not_a_table"
    RATINGS_RAGGED = "ratings_ragged"
    TOO_FEW_RATERS = "too_few_raters"
    TOO_FEW_ITEMS = "too_few_items"
    RATING_NOT_A_NUMBER = "rating_not_a_number"
    TOO_MANY_RATINGS = "too_many_ratings"
    NO_VARIATION = "no_variation"
    STUDY_NOT_RUNNING = "study_not_running"
    ROUND_STILL_OPEN = "round_still_open"
    NO_MORE_ROUNDS = "no_more_rounds"
    NO_CANDIDATES = "no_candidates"
    ROUND_CLOSED = "round_closed"
    ALREADY_ANSWERED = "already_answered"
    ANSWERS_INCOMPLETE = "answers_incomplete"
    SCORE_OFF_SCALE = "score_off_scale"
    NOT_A_CANDIDATE_OF_THE_PANEL = "not_a_candidate_of_the_panel"
    CANDIDATE_NOT_QUALIFIED = "candidate_not_qualified"
    ALREADY_PROMOTED = "already_promoted"
    FIGURES_PUBLISHED = "figures_published"


class RatingsRefused(DomainError):
    """The ratings sent to the calculator cannot be ranked as they are (a 400, saying what to fix)."""


class StudyRefused(DomainError):
    """A rule of the study's method refused the step (a 400)."""


class StudyConflict(ConflictError):
    """The state changed first: the round is closed, already answered, already promoted (a 409)."""
