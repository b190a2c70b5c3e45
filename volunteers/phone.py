"""Iranian mobile numbers as people type them (09…, +98…, 0098…, Persian or Arabic digits).

They are stored as 09xxxxxxxxx.
"""

import re

from core.localization import ascii_digits

MOBILE_PATTERN = re.compile(r"^09\d{9}$")


def normalize_mobile(raw: str) -> str | None:
    """The number as 09xxxxxxxxx, or None when it is not an Iranian mobile number."""
    digits = re.sub(r"[\s\-()]", "", ascii_digits(raw or ""))
    if digits.startswith("+98"):
        digits = "0" + digits[3:]
    elif digits.startswith("0098"):
        digits = "0" + digits[4:]
    elif digits.startswith("98") and len(digits) == 12:
        digits = "0" + digits[2:]
    elif digits.startswith("9") and len(digits) == 10:
        digits = "0" + digits
    return digits if MOBILE_PATTERN.match(digits) else None
