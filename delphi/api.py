from django.http import HttpRequest
from ninja import Router

from .calculator import ratings_concordance
from .schemas import ConcordanceOut, RatingsIn

public_router = Router(tags=["Delphi workbench"])


@public_router.post(
    "/delphi/kendall-w",
    response=ConcordanceOut,
    summary="Kendall's W of a table of ratings, with its chi-square test",
    auth=None,
)
def kendall_w(request: HttpRequest, payload: RatingsIn):
    """A calculator anyone may use: the agreement of panellists' ratings, as the workbench computes it."""
    return ratings_concordance(payload.ratings)
