"""Reads of people's accounts, and the rules of who may see whose personal data.

Privacy rules (every app that shows a person to someone else goes through these):

- **Personal data** – mobile number, e-mail address, date of birth and emergency contact – is visible to
  the person, to superusers, and to the staff of a department (members of `Department.staff_group`) for a
  shift of which the person has an active or past sign-up (confirmed, waitlisted or no-show; a
  cancelled sign-up grants nothing). `personal_data_visible_to(viewer, person)`.
- **Contact** – name, mobile number and e-mail address only – is visible to the above and also to the
  owners and managers of an NGO the person is a member of. `contact_visible_to(viewer, person)`.
- Everyone else sees a person's name (leaderboards have their own visibility setting) and nothing more.

For lists, `personal_data_visible_ids` and `contact_visible_ids` answer for many people in two queries,
and `person_dict(person, viewer=…)` (or its `PersonOut` schema) shapes a person for a response with the
private fields filled only when allowed, and None otherwise. Never put a User's phone, email,
date_of_birth or emergency_contact_* into a response any other way.
"""

from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.utils import timezone

from city.models import District

from .errors import ApiTokenNotFound, ProfileInvalid
from .models import ApiToken, OrganisationMembership, Skill, User

# Sign-ups that let a department's staff see the person: current ones and ones that took place.
_VISIBLE_SIGNUP_STATUSES = ("confirmed", "waitlisted", "no_show")
_MANAGING_ROLES = (OrganisationMembership.Role.OWNER, OrganisationMembership.Role.MANAGER)
CONTACT_FIELDS = ("phone", "email")
PERSONAL_FIELDS = (*CONTACT_FIELDS, "date_of_birth", "emergency_contact_name", "emergency_contact_phone")


def _is_active_viewer(viewer) -> bool:
    return viewer is not None and getattr(viewer, "is_authenticated", False) and viewer.is_active


def personal_data_visible_ids(*, viewer, person_ids: Iterable[int]) -> set[int]:
    """Which of `person_ids` the viewer may see all personal data of."""
    wanted = {int(pk) for pk in person_ids}
    if not wanted or not _is_active_viewer(viewer):
        return set()
    if viewer.is_superuser:
        return wanted
    visible = {viewer.pk} & wanted
    # Through the sign-ups (campaigns, above this app) by their relation's name rather than an import:
    # one filter() call, so status and department are those of the same sign-up.
    visible |= set(
        User.objects.filter(
            pk__in=wanted - visible,
            signups__status__in=_VISIBLE_SIGNUP_STATUSES,
            signups__shift__call__service__department__staff_group__user=viewer,
        ).values_list("pk", flat=True)
    )
    return visible


def contact_visible_ids(*, viewer, person_ids: Iterable[int]) -> set[int]:
    """Which of `person_ids` the viewer may see the name, mobile number and e-mail address of."""
    wanted = {int(pk) for pk in person_ids}
    visible = personal_data_visible_ids(viewer=viewer, person_ids=wanted)
    rest = wanted - visible
    if rest and _is_active_viewer(viewer):
        managed = OrganisationMembership.objects.filter(user=viewer, role__in=_MANAGING_ROLES).values(
            "organisation_id"
        )
        visible |= set(
            OrganisationMembership.objects.filter(user_id__in=rest, organisation_id__in=managed).values_list(
                "user_id", flat=True
            )
        )
    return visible


def personal_data_visible_to(viewer, person) -> bool:
    """May `viewer` see `person`'s mobile, e-mail, date of birth and emergency contact? (see above)"""
    return person.pk in personal_data_visible_ids(viewer=viewer, person_ids=[person.pk])


def contact_visible_to(viewer, person) -> bool:
    """May `viewer` see `person`'s name, mobile number and e-mail address? (see above)"""
    return person.pk in contact_visible_ids(viewer=viewer, person_ids=[person.pk])


def person_dict(
    person: User,
    *,
    viewer,
    contact_ids: set[int] | None = None,
    personal_ids: set[int] | None = None,
) -> dict:
    """A person as other people may see them: id and names always; mobile and e-mail only when the viewer
    may see the contact; date of birth and emergency contact only with personal data. Hidden fields are
    None. In a list, pass `contact_ids`/`personal_ids` from the *_visible_ids selectors once for all."""
    if personal_ids is None:
        personal_ids = personal_data_visible_ids(viewer=viewer, person_ids=[person.pk])
    if contact_ids is None:
        contact_ids = personal_ids | contact_visible_ids(viewer=viewer, person_ids=[person.pk])
    personal = person.pk in personal_ids
    contact = personal or person.pk in contact_ids
    return {
        "id": person.pk,
        "display_name": person.display_name,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "phone": (person.phone or None) if contact else None,
        "email": (person.email or None) if contact else None,
        "date_of_birth": person.date_of_birth if personal else None,
        "emergency_contact_name": (person.emergency_contact_name or None) if personal else None,
        "emergency_contact_phone": (person.emergency_contact_phone or None) if personal else None,
    }


def person_dicts(people: Iterable[User], *, viewer) -> list[dict]:
    """`person_dict` for many people, with two or three queries for all of them."""
    people = list(people)
    ids = [person.pk for person in people]
    personal_ids = personal_data_visible_ids(viewer=viewer, person_ids=ids)
    contact_ids = contact_visible_ids(viewer=viewer, person_ids=ids)
    return [
        person_dict(person, viewer=viewer, contact_ids=contact_ids, personal_ids=personal_ids)
        for person in people
    ]


# --- The person's own account ----------------------------------------------------------------------


def me_get(*, user: User) -> User:
    """The person with what their profile shows (district, skills) fetched at once."""
    return User.objects.select_related("district").prefetch_related("skills").get(pk=user.pk)


def district_for_profile(*, number: int | None) -> District | None:
    """The district with this number for a profile (None for none); ProfileInvalid when there is none."""
    if number is None:
        return None
    district = District.objects.filter(number=number).first()
    if district is None:
        raise ProfileInvalid.unknown_district(number)
    return district


def skills_for_profile(*, slugs: Iterable[str]) -> list[Skill]:
    """The skills with these slugs; ProfileInvalid naming the ones that do not exist."""
    wanted = list(dict.fromkeys(slug.strip() for slug in slugs if slug.strip()))
    skills = list(Skill.objects.filter(slug__in=wanted))
    unknown = sorted(set(wanted) - {skill.slug for skill in skills})
    if unknown:
        raise ProfileInvalid.unknown_skills(unknown)
    return skills


def skill_list() -> QuerySet[Skill]:
    return Skill.objects.order_by("name_fa", "slug")


def district_list() -> QuerySet[District]:
    return District.objects.order_by("number")


def api_token_list(*, user: User) -> QuerySet[ApiToken]:
    """The person's tokens that still work (neither revoked nor expired), newest first."""
    return ApiToken.objects.filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()), user=user, revoked_at__isnull=True
    ).order_by("-created_at", "-pk")


def api_token_get(*, user: User, token_id: int) -> ApiToken:
    """One of the person's tokens, working or not; another person's token does not exist for them."""
    try:
        return ApiToken.objects.get(pk=token_id, user=user)
    except ApiToken.DoesNotExist:
        raise ApiTokenNotFound(token_id) from None
