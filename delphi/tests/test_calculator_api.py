"""The public calculator, POST /api/v1/delphi/kendall-w: its answer, and a clear 400 in the reader's language
for every table it cannot rank."""

import json

import pytest
from django.test import Client

from core.localization import persian_digits

URL = "/api/v1/delphi/kendall-w"


def post(body, *, language="en"):
    return Client(headers={"accept-language": language}).post(
        URL, data=json.dumps(body), content_type="application/json"
    )


def test_the_calculator_answers_w_with_its_test_without_an_account():
    response = post({"ratings": [[5, 4, 4, 2], [5, 5, 3, 1], [4, 5, 3, 3]]})

    assert response.status_code == 200
    answer = response.json()
    assert set(answer) == {"w", "chi_square", "df", "p_value", "raters", "items"}
    assert answer["w"] == pytest.approx(402 / 486)
    assert (answer["df"], answer["raters"], answer["items"]) == (3, 3, 4)


@pytest.mark.parametrize(
    ("ratings", "code"),
    [
        ([[1, 2, 3]], "too_few_raters"),
        ([], "too_few_raters"),
        ([[1, 2, 3], [1, 2]], "ratings_ragged"),
        ([[1], [2]], "too_few_items"),
        ([[1, 2], [3, "4"]], "rating_not_a_number"),
        ([[1, 2], [3, True]], "rating_not_a_number"),
        ([[1, 2], [3, None]], "rating_not_a_number"),
        ([1, 2], "ratings_not_a_table"),
        ([[2, 2], [5, 5]], "no_variation"),
        ([[1] * 200] * 101, "too_many_ratings"),
    ],
)
def test_tables_that_cannot_be_ranked_are_a_clear_400(ratings, code):
    response = post({"ratings": ratings})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == code


def test_the_refusal_is_in_the_readers_language_and_says_where():
    response = post({"ratings": [[1, 2], [3, "x"]]}, language="fa")

    assert response.status_code == 400
    message = response.json()["error"]["message"]
    assert "سطر" in message and persian_digits(2) in message
    assert response.json()["error"]["details"] == {"row": 1, "column": 1}


def test_a_body_without_ratings_is_refused_as_invalid():
    response = post({"rows": [[1, 2], [2, 1]]})

    assert response.status_code in (400, 422)
    assert "error" in response.json()
