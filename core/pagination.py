"""Numbered pages for the API, with a highest page number.

A page number is bounded (`PAGE_MAX`, declared in the OpenAPI document as the parameter's maximum) so
that no page number, however large, becomes an OFFSET the database refuses (PostgreSQL's bigint): a
larger one answers 422 `invalid_input` like any other invalid parameter, and a page past the last one
(up to the bound) is an empty page, as every paginated endpoint answers it.
"""

from ninja import Field, Schema
from ninja import pagination as ninja_pagination

# 10,000 pages of at most 100 items: further than anyone pages by hand, and offsets stay small numbers.
PAGE_MAX = 10_000


class PageNumberPagination(ninja_pagination.PageNumberPagination):
    """ninja's numbered pages (`{"items": [...], "count": N}`, `page_size` up to 100), bounded."""

    # Named `Input` like ninja's own, so the OpenAPI component keeps its name.
    class Input(Schema):
        page: int = Field(1, ge=1, le=PAGE_MAX)
        page_size: int | None = Field(None, ge=1)
