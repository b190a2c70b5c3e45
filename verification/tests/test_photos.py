"""Photos are real images, bounded in size, and nobody but the volunteer ever sees where they were taken."""

import io

import pytest
from PIL import Image

from core.errors import DomainError
from verification.photos import MAX_PHOTO_BYTES, photo_clean
from verification.services import completion_report
from verification.tests.factories import GPS_IFD, ended_signup, image_bytes, jpeg_with_gps, upload

pytestmark = pytest.mark.django_db


def test_the_uploaded_photo_has_gps_exif_to_begin_with():
    exif = Image.open(io.BytesIO(jpeg_with_gps())).getexif()

    assert exif.get_ifd(GPS_IFD)  # the test photo really carries a location


def test_stored_photo_has_no_gps_or_any_exif():
    signup = ended_signup()

    completion = completion_report(
        signup=signup, actor=signup.volunteer, hours="1", photos=[("after", upload(jpeg_with_gps()))]
    )

    stored = completion.photos.get()
    with stored.image.open("rb") as file:
        data = file.read()
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    exif = image.getexif()
    assert not exif.get_ifd(GPS_IFD)
    assert len(exif) == 0
    assert "exif" not in image.info
    assert b"PhoneMaker" not in data
    assert b"Exif" not in data


def test_orientation_is_applied_before_the_exif_is_dropped():
    # Orientation 6: the camera held sideways; viewers turn the 64×32 picture a quarter to 32×64.
    cleaned = photo_clean(upload(jpeg_with_gps(size=(64, 32), orientation=6)))

    image = Image.open(io.BytesIO(cleaned.read()))
    assert image.size == (32, 64)


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"GIF89a not really a photo", "x.gif"),
        (b"%PDF-1.4 a document", "x.jpg"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "x.png"),
        (b"", "empty.jpg"),
    ],
)
def test_what_is_not_a_real_image_is_refused(content, name):
    with pytest.raises(DomainError) as caught:
        photo_clean(upload(content, name))

    assert caught.value.code == "photo_invalid"


def test_a_truncated_jpeg_is_refused():
    data = jpeg_with_gps(size=(200, 200))

    with pytest.raises(DomainError) as caught:
        photo_clean(upload(data[: len(data) // 2]))

    assert caught.value.code == "photo_invalid"


def test_gif_is_not_accepted_even_when_real():
    with pytest.raises(DomainError) as caught:
        photo_clean(upload(image_bytes("GIF"), "x.gif", "image/gif"))

    assert caught.value.code == "photo_invalid"


def test_a_photo_over_five_megabytes_is_refused():
    big = upload(jpeg_with_gps() + b"\0" * MAX_PHOTO_BYTES)

    with pytest.raises(DomainError) as caught:
        photo_clean(big)

    assert caught.value.code == "photo_too_large"


def test_transparent_png_becomes_a_jpeg_on_white():
    cleaned = photo_clean(upload(image_bytes("PNG", mode="RGBA"), "t.png", "image/png"))

    image = Image.open(io.BytesIO(cleaned.read()))
    assert image.format == "JPEG"
    assert image.mode == "RGB"
