import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Photos saved by a test go to its own temporary folder, never into the checkout's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
