"""The public Kendall's W calculator's rules for the table it is sent: rows are panellists, columns are
candidates, every cell a number (JSON true/false and numeric strings are not numbers here)."""

from __future__ import annotations

import math
from typing import Any

from django.utils.translation import gettext_lazy as _

from core.localization import format_number

from .errors import DelphiErrorCode, RatingsRefused
from .statistics import Concordance, NoVariation, kendall_w

# Large enough for any panel and candidate list (the shipped study: 12 panellists, 34 candidates); it bounds
# the work one anonymous request can ask for.
MAX_CELLS = 20_000


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def ratings_concordance(ratings: Any) -> Concordance:
    """Kendall's W of a table of ratings, after checking it is one: refuses with a RatingsRefused that says
    what is wrong and where."""
    if not isinstance(ratings, list) or not all(isinstance(row, list) for row in ratings):
        raise RatingsRefused(
            DelphiErrorCode.RATINGS_NOT_A_TABLE,
            _("Send the ratings as a list of rows, one row of numbers per panellist."),
        )
    if len(ratings) < 2:
        raise RatingsRefused(
            DelphiErrorCode.TOO_FEW_RATERS,
            _("Agreement needs at least two panellists: send at least two rows."),
            details={"raters": len(ratings)},
        )
    lengths = sorted({len(row) for row in ratings})
    if len(lengths) > 1:
        raise RatingsRefused(
            DelphiErrorCode.RATINGS_RAGGED,
            _("Every panellist must rate the same candidates: the rows have %(lengths)s numbers.")
            % {"lengths": _(" or ").join(format_number(length) for length in lengths)},
            details={"row_lengths": [len(row) for row in ratings]},
        )
    if lengths[0] < 2:
        raise RatingsRefused(
            DelphiErrorCode.TOO_FEW_ITEMS,
            _("Rankings need at least two candidates: each row needs at least two numbers."),
            details={"items": lengths[0]},
        )
    if len(ratings) * lengths[0] > MAX_CELLS:
        raise RatingsRefused(
            DelphiErrorCode.TOO_MANY_RATINGS,
            _("Send at most %(cells)s ratings at once.") % {"cells": format_number(MAX_CELLS)},
            details={"max_cells": MAX_CELLS},
        )
    for row_index, row in enumerate(ratings):
        for column_index, value in enumerate(row):
            if not _is_number(value):
                raise RatingsRefused(
                    DelphiErrorCode.RATING_NOT_A_NUMBER,
                    _("Row %(row)s, column %(column)s is not a number.")
                    % {"row": format_number(row_index + 1), "column": format_number(column_index + 1)},
                    details={"row": row_index, "column": column_index},
                )
    try:
        return kendall_w(ratings)
    except NoVariation:
        raise RatingsRefused(
            DelphiErrorCode.NO_VARIATION,
            _(
                "Every panellist gave every candidate the same score, so there are no rankings to agree "
                "on and W is not defined."
            ),
        ) from None
