"""Test data for completion reports: shifts that are over, confirmed places on them, staff of a
department, NGO managers with team places, and photos with (and without) GPS metadata."""

import datetime
import io
import itertools
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.utils import timezone
from PIL import Image

from campaigns.models import Shift, SignUp, TeamReservation
from campaigns.services import department_approvers_group_ensure, department_staff_group_ensure
from campaigns.tests.factories import PersonFactory, add_shift, publish_call
from city.models import Department
from verification.models import Completion
from verification.services import completion_report
from volunteers.models import Organisation, OrganisationMembership, Team

URBAN_SERVICE = "street-sweeping-and-cleaning"
TRAFFIC_SERVICE = "street-traffic-information"
_numbers = itertools.count(1)


def staff_of(department_slug: str = "urban_services", *, approver: bool = False, **fields):
    """A person in the department's staff (or approvers) group."""
    person = PersonFactory(**fields)
    department = Department.objects.get(slug=department_slug)
    group = (
        department_approvers_group_ensure(department=department)
        if approver
        else department_staff_group_ensure(department=department)
    )
    person.groups.add(group)
    return person


def ended_shift(
    *, call=None, hours: int = 3, ended_ago: datetime.timedelta = datetime.timedelta(hours=1), **fields
):
    """A shift of `hours` that ended `ended_ago`, of a published Urban Services call unless given one."""
    call = call or publish_call(service_slug=URBAN_SERVICE, points_per_hour=10)
    starts_in = -(ended_ago + datetime.timedelta(hours=hours))
    return add_shift(call, starts_in=starts_in, hours=hours, **fields)


def confirmed_signup(shift: Shift, volunteer=None, **fields) -> SignUp:
    """A confirmed place, made directly: sign-ups for ended shifts are (rightly) refused by the service."""
    volunteer = volunteer or PersonFactory()
    signup = SignUp.objects.create(shift=shift, volunteer=volunteer, status=SignUp.Status.CONFIRMED, **fields)
    Shift.objects.filter(pk=shift.pk).update(confirmed_count=F("confirmed_count") + 1)
    return signup


def ended_signup(*, volunteer=None, call=None, hours: int = 3, **fields) -> SignUp:
    return confirmed_signup(ended_shift(call=call, hours=hours), volunteer, **fields)


def reported(signup: SignUp, *, hours: str | Decimal = "2.5", reported_by=None, note: str = "") -> Completion:
    return completion_report(
        signup=signup, actor=reported_by or signup.volunteer, hours=Decimal(str(hours)), note=note
    )


def team_with_manager(*members):
    """A verified NGO with a manager and a team of `members`; returns (manager, team)."""
    number = next(_numbers)
    organisation = Organisation.objects.create(
        name_fa=f"انجمن آزمایشی {number}", registration_number=f"TEST-{number}", verified_at=timezone.now()
    )
    manager = PersonFactory()
    OrganisationMembership.objects.create(
        organisation=organisation, user=manager, role=OrganisationMembership.Role.MANAGER
    )
    team = Team.objects.create(organisation=organisation, name=f"تیم {number}")
    for member in members:
        OrganisationMembership.objects.create(organisation=organisation, user=member)
        team.members.add(member)
    return manager, team


def team_place(shift: Shift, team: Team, member, *, reserved_by=None) -> SignUp:
    """A member's confirmed place out of the team's reservation on the shift."""
    reservation, _ = TeamReservation.objects.get_or_create(
        shift=shift, team=team, defaults={"places": 5, "reserved_by": reserved_by}
    )
    TeamReservation.objects.filter(pk=reservation.pk).update(assigned_count=F("assigned_count") + 1)
    return confirmed_signup(shift, member, reservation=reservation)


# --- Photos ---------------------------------------------------------------------------------------------

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def jpeg_with_gps(*, size=(64, 32), orientation: int | None = None) -> bytes:
    """A real JPEG whose EXIF says where it was taken (and, if given, how to turn it)."""
    image = Image.new("RGB", size, "#3a7")
    image.putpixel((0, 0), (255, 0, 0))  # a red corner shows which way the picture was turned
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 12"  # Model
    if orientation:
        exif[ORIENTATION] = orientation
    exif.get_ifd(GPS_IFD).update(
        {1: "N", 2: (32.0, 39.0, 30.0), 3: "E", 4: (51.0, 40.0, 5.0)}  # Isfahan, to the second
    )
    output = io.BytesIO()
    image.save(output, format="JPEG", exif=exif)
    return output.getvalue()


def image_bytes(fmt: str = "PNG", *, mode: str = "RGB", size=(40, 30)) -> bytes:
    output = io.BytesIO()
    Image.new(mode, size, (10, 120, 80, 128) if mode == "RGBA" else "#3a7").save(output, format=fmt)
    return output.getvalue()


def upload(content: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)
