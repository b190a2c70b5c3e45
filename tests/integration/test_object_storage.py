"""Several web machines share nothing local: with OBJECT_STORAGE_BUCKET set, completion photos (and the
open city's public copies of them), people's data archives and the Open Badges key live in an S3-compatible
bucket, here moto's S3 server on loopback. Each test reads through a second, fresh storage handler as
another machine would, and checks that nothing was written to the local folders."""

import io
import zipfile
from collections.abc import Iterator

import boto3
import pytest
import requests
from django.core.files.storage import StorageHandler
from django.test import Client, override_settings
from moto.server import ThreadedMotoServer
from PIL import Image

from core.storage import object_storages, private_storage
from credentials import exports, openbadges
from verification import services
from verification.tests.factories import ended_signup, jpeg_with_gps, staff_of, upload

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

BUCKET = "hamyar-test"


@pytest.fixture
def bucket(settings, tmp_path) -> Iterator[boto3.resource]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    requests.post(f"{endpoint}/moto-api/reset", timeout=10)  # moto keeps its buckets for the process
    credentials = {"access_key": "testing", "secret_key": "testing", "region": "us-east-1"}
    s3 = boto3.resource(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
    )
    s3.create_bucket(Bucket=BUCKET)
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    storages = {**settings.STORAGES, **object_storages(bucket=BUCKET, endpoint_url=endpoint, **credentials)}
    openbadges._signing_key_for.cache_clear()
    try:
        with override_settings(OBJECT_STORAGE_BUCKET=BUCKET, STORAGES=storages, OPEN_BADGES_SIGNING_KEY=""):
            yield s3.Bucket(BUCKET)
    finally:
        openbadges._signing_key_for.cache_clear()
        server.stop()


def keys(bucket, prefix: str) -> list[str]:
    return sorted(item.key for item in bucket.objects.filter(Prefix=prefix))


def nothing_local(settings) -> bool:
    """No file was written to this machine's media or private folders."""
    folders = (settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT)
    return not any(path.is_file() for folder in folders if folder.exists() for path in folder.rglob("*"))


def test_completion_photos_are_in_the_bucket_without_their_location_and_every_machine_serves_them(
    bucket, settings
):
    signup = ended_signup()
    completion = services.completion_report(
        signup=signup,
        actor=signup.volunteer,
        hours="2",
        photos=[("after", upload(jpeg_with_gps()))],
        photos_public=True,
    )
    services.completion_approve(completion=completion, actor=staff_of("urban_services"))
    photo = completion.photos.get()

    (stored,) = keys(bucket, "media/completions/")
    assert stored == f"media/{photo.image.name}"
    kept = Image.open(io.BytesIO(bucket.Object(stored).get()["Body"].read()))
    assert not kept.getexif()  # re-encoded without its GPS (or any) metadata before it left the machine
    other_machine = StorageHandler(settings.STORAGES)["default"]
    assert other_machine.exists(photo.image.name)
    assert "X-Amz-Signature=" in photo.image.url  # a private bucket: addresses are signed and expire
    assert requests.get(photo.image.url, timeout=10).content == bucket.Object(stored).get()["Body"].read()
    unsigned = photo.image.url.split("?")[0]
    assert requests.get(unsigned, timeout=10).status_code == 403

    client = Client()
    client.force_login(signup.volunteer)
    served = client.get(f"/completions/photos/{photo.pk}/")
    assert served.status_code == 200 and b"".join(served.streaming_content)[:2] == b"\xff\xd8"
    public = Client().get(f"/open-city/photos/{photo.pk}.jpg")
    assert public.status_code == 200
    assert nothing_local(settings)


def test_a_data_archive_is_kept_privately_in_the_bucket_downloaded_by_its_owner_and_deleted_when_due(
    bucket, settings, django_capture_on_commit_callbacks
):
    signup = ended_signup()
    person = signup.volunteer
    export = exports.data_export_request(person=person)
    exports.data_export_build(export_id=export.pk)
    export.refresh_from_db()

    assert keys(bucket, "private/exports/") == [f"private/{export.file_name}"]
    assert keys(bucket, "media/") == []  # never where a media address could reach it
    client = Client()
    client.force_login(person)
    response = client.get(f"/account/my-data/{export.pk}/hamyar-data.zip")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        assert "profile.csv" in archive.namelist()

    assert exports.data_exports_delete_expired(now=export.expires_at) == 1
    assert keys(bucket, "private/exports/") == []
    assert nothing_local(settings)


def test_the_open_badges_key_is_made_once_in_the_bucket_and_every_machine_signs_with_it(bucket, settings):
    first = openbadges.signing_key()

    assert keys(bucket, "private/keys/") == ["private/keys/open-badges-rsa.json"]
    openbadges._signing_key_for.cache_clear()  # another machine, starting afresh
    assert openbadges.signing_key().thumbprint() == first.thumbprint()
    assert private_storage().exists(openbadges.KEY_NAME)
    assert nothing_local(settings)
