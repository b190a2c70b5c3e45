import pytest

from volunteers.phone import normalize_mobile


@pytest.mark.parametrize(
    "typed",
    [
        "09121234567",
        "+989121234567",
        "00989121234567",
        "989121234567",
        "9121234567",
        "۰۹۱۲۱۲۳۴۵۶۷",
        "٠٩١٢١٢٣٤٥٦٧",
        "0912 123 4567",
        "+98 (912) 123-4567",
    ],
)
def test_every_common_way_of_typing_a_mobile_number_is_understood(typed):
    assert normalize_mobile(typed) == "09121234567"


@pytest.mark.parametrize(
    "typed", ["", "0312345678", "0912123456", "091212345678", "08121234567", "abc", "+1 912 123 4567"]
)
def test_anything_else_is_not_a_mobile_number(typed):
    assert normalize_mobile(typed) is None
