"""Checking in and out of shifts on site: the API side (web views in campaigns/checkin_views.py)."""

from ninja import Router

router = Router(tags=["Check-in"])
