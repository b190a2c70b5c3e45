"""Photos of the work: only real images, of a bounded size, stored re-encoded without their metadata.

A phone's photo carries EXIF: where it was taken (GPS), when, with which device. Staff and anyone the
photo is later shown to need none of that, and a volunteer's home position must never leak through a
"before" photo taken on the way. Re-encoding from the pixels alone keeps nothing of the original file
but the picture, turned upright first, since the orientation lives in EXIF too.
"""

import io
import warnings

from django.core.files.base import ContentFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from core.localization import format_number

from .errors import ReportRefused, VerificationErrorCode

MAX_PHOTOS = 4
MAX_PHOTO_BYTES = 5 * 1024 * 1024
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
# Far above any phone camera; refuses decompression bombs before their pixels are decoded.
MAX_PIXELS = 50_000_000
# Longest side kept: plenty to judge the work, and a tenth of the storage of a raw phone photo.
MAX_SIDE = 2560
JPEG_QUALITY = 85


def _invalid(name: str) -> ReportRefused:
    return ReportRefused(
        VerificationErrorCode.PHOTO_INVALID,
        _("“%(name)s” is not a photo we can read; send a JPEG, PNG or WebP image.") % {"name": name},
    )


def photos_check_count(count: int) -> None:
    if count > MAX_PHOTOS:
        raise ReportRefused(
            VerificationErrorCode.TOO_MANY_PHOTOS,
            _("Send at most %(max)s photos.") % {"max": format_number(MAX_PHOTOS)},
        )


def photo_clean(upload) -> ContentFile:
    """The uploaded photo re-encoded as a JPEG without any metadata, upright; refuses what is not a real
    JPEG, PNG or WebP image, or is larger than MAX_PHOTO_BYTES."""
    name = getattr(upload, "name", "") or "photo"
    if upload.size is not None and upload.size > MAX_PHOTO_BYTES:
        raise ReportRefused(
            VerificationErrorCode.PHOTO_TOO_LARGE,
            _("“%(name)s” is larger than %(size)s MB.")
            % {"name": name, "size": format_number(MAX_PHOTO_BYTES // 2**20)},
        )
    data = upload.read()
    if len(data) > MAX_PHOTO_BYTES:
        raise ReportRefused(
            VerificationErrorCode.PHOTO_TOO_LARGE,
            _("“%(name)s” is larger than %(size)s MB.")
            % {"name": name, "size": format_number(MAX_PHOTO_BYTES // 2**20)},
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in ACCEPTED_FORMATS:
                    raise _invalid(name)
                if probe.width * probe.height > MAX_PIXELS:
                    raise _invalid(name)
                probe.verify()  # checks the file's structure; the image cannot be used after this
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                upright = ImageOps.exif_transpose(image)
    except ReportRefused:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning):  # fmt: skip
        raise _invalid(name) from None

    if upright.mode in ("RGBA", "LA") or (upright.mode == "P" and "transparency" in upright.info):
        # Transparent parts become white, not black, in a JPEG.
        background = Image.new("RGB", upright.size, "white")
        background.paste(upright.convert("RGBA"), mask=upright.convert("RGBA").getchannel("A"))
        upright = background
    else:
        upright = upright.convert("RGB")
    upright.thumbnail((MAX_SIDE, MAX_SIDE))
    output = io.BytesIO()
    # A new image from pixels only: no exif, icc, xmp or comment is passed on.
    clean = Image.new("RGB", upright.size)
    clean.paste(upright)
    clean.save(output, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return ContentFile(output.getvalue(), name="photo.jpg")


def photo_file_response(photo) -> FileResponse:
    """The stored photo, for a viewer already checked; private, since only some people may see it."""
    try:
        image = photo.image.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(image, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response
