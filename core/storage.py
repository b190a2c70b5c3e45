"""Where files live: local folders on one machine (the embedded default), or S3-compatible object storage
shared by every web machine (OBJECT_STORAGE_BUCKET set), through django-storages.

Two kinds of files: `default` (photos, images, documents; Django's default storage) and `private`
(people's data archives, the issuer key): never addressed by a URL, only read by views that check who
asks. On object storage they are two prefixes of one bucket, `media/` and `private/`; URLs of `media/`
objects are signed and expire, so the bucket itself stays private."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages

S3_BACKEND = "storages.backends.s3.S3Storage"


def object_storages(
    *, bucket: str, endpoint_url: str = "", access_key: str = "", secret_key: str = "", region: str = ""
) -> dict:
    """The STORAGES entries of both kinds of files on one bucket."""
    options = {
        "bucket_name": bucket,
        "endpoint_url": endpoint_url or None,
        "access_key": access_key or None,
        "secret_key": secret_key or None,
        "region_name": region or None,
        "default_acl": None,  # the bucket's own policy: private
        "querystring_auth": True,  # signed URLs that expire
        "querystring_expire": 3600,
        "signature_version": "s3v4",
        "file_overwrite": False,  # two machines saving one name keep both
        "addressing_style": "path" if endpoint_url else None,  # MinIO, Ceph and friends
    }
    return {
        "default": {"BACKEND": S3_BACKEND, "OPTIONS": {**options, "location": "media"}},
        "private": {"BACKEND": S3_BACKEND, "OPTIONS": {**options, "location": "private"}},
    }


def private_storage() -> Storage:
    """Storage for files only a checking view may hand out: PRIVATE_MEDIA_ROOT locally (read when called,
    so a test's own folder holds), the bucket's `private/` prefix on object storage."""
    if settings.STORAGES.get("private", {}).get("BACKEND") == S3_BACKEND:
        return storages["private"]
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT)
