"""Checking in and out of shifts on site: the API side (web views in campaigns/checkin_views.py).

The schemas live here rather than in campaigns/schemas.py: they belong to check-in alone.
"""

import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from volunteers.auth import api_auth

from . import services as checkin

router = Router(tags=["Check-in"], auth=api_auth)


class CheckInIn(Schema):
    token: str = Field(..., max_length=200, description="The token of the scanned QR code.")
    latitude: float | None = Field(None, ge=-90, le=90, description="The phone's position, if known.")
    longitude: float | None = Field(None, ge=-180, le=180)


class CheckInOut(Schema):
    signup_id: int
    status: Literal["checked_in", "checked_out"]
    checked_in_at: datetime.datetime | None
    checked_out_at: datetime.datetime | None
    repeated: bool = Field(
        False, description="True when the scan repeated the step just taken (a double submit): no change."
    )


class CheckInTokenOut(Schema):
    token: str
    url: str
    expires_at: datetime.datetime
    qr_svg: str
    confirmed_count: int
    checked_in_count: int


def _signup_out(signup, *, repeated: bool = False) -> CheckInOut:
    return CheckInOut(
        signup_id=signup.pk,
        status="checked_out" if signup.checked_out_at else "checked_in",
        checked_in_at=signup.checked_in_at,
        checked_out_at=signup.checked_out_at,
        repeated=repeated,
    )


@router.post(
    "/shifts/{shift_id}/checkin",
    response=CheckInOut,
    summary="Check in or out with a QR token",
)
def scan(request: HttpRequest, shift_id: int, payload: CheckInIn):
    """The first scan checks you in (from 30 minutes before the start until the end), the next one checks
    you out (until two hours after the end). A scan repeated within five minutes changes nothing.
    When the shift has a check-in radius, send the phone's position. 400 `token_invalid`, `token_expired`,
    `token_wrong_shift`, `position_required`, `position_invalid`, `checkin_not_open`, `checkout_closed`;
    403 `not_signed_up`, `outside_radius` (details: `distance_m`, `radius_m`); 409 `already_checked_out`."""
    result = checkin.checkin_scan(
        token=payload.token,
        volunteer=request.auth,
        shift_id=shift_id,
        latitude=payload.latitude,
        longitude=payload.longitude,
    )
    return _signup_out(result.signup, repeated=result.repeated)


@router.get(
    "/shifts/{shift_id}/checkin-token",
    response=CheckInTokenOut,
    summary="A fresh QR token for the site lead's screen",
    url_name="checkin_token",
)
def checkin_token(request: HttpRequest, shift_id: int):
    """For staff of the call's department: a token that works for two minutes, its link and its QR code as
    SVG, with how many of the confirmed people have checked in. 403 `not_site_lead`; 404 `shift_not_found`."""
    shift = checkin.shift_get_for_site_lead(shift_id=shift_id, user=request.auth)
    issued = checkin.checkin_token_issue(shift=shift)
    url = checkin.checkin_url(token=issued.token, request=request)
    counts = checkin.checkin_counts(shift=shift)
    return CheckInTokenOut(
        token=issued.token,
        url=url,
        expires_at=issued.expires_at,
        qr_svg=checkin.checkin_qr_svg(url=url),
        confirmed_count=counts["confirmed"],
        checked_in_count=counts["checked_in"],
    )


@router.post(
    "/signups/{signup_id}/checkin",
    response=CheckInOut,
    summary="Check a person in (site lead)",
)
def check_in_signup(request: HttpRequest, signup_id: int):
    """For staff of the call's department. Checking in someone already checked in changes nothing.
    404 `signup_not_found`; 400 `checkin_not_open`, `checkout_closed`, `not_signed_up`."""
    signup = checkin.signup_get_for_site_lead(signup_id=signup_id, user=request.auth)
    return _signup_out(checkin.signup_check_in(signup=signup, actor=request.auth))


@router.post(
    "/signups/{signup_id}/checkout",
    response=CheckInOut,
    summary="Check a person out (site lead)",
)
def check_out_signup(request: HttpRequest, signup_id: int):
    """For staff of the call's department. Checking out someone already checked out changes nothing.
    404 `signup_not_found`; 400 `not_checked_in`, `checkout_closed`."""
    signup = checkin.signup_get_for_site_lead(signup_id=signup_id, user=request.auth)
    return _signup_out(checkin.signup_check_out(signup=signup, actor=request.auth))
