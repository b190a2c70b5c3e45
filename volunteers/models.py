import hashlib
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.localization import localized


class User(AbstractUser):
    """Anyone who logs in: citizens, NGO people, municipal staff.

    People log in with a mobile number or an e-mail address; both are stored normalised (mobile as
    09xxxxxxxxx, e-mail lower-cased) and unique when present.
    """

    class LeaderboardVisibility(models.TextChoices):
        NAME = "name", _("under my name")
        PSEUDONYM = "pseudonym", _("under a pseudonym")
        HIDDEN = "hidden", _("not at all")

    class Language(models.TextChoices):
        PERSIAN = "fa", "فارسی"  # each language in itself, so anyone can find theirs
        ENGLISH = "en", "English"

    phone = models.CharField(_("mobile number"), max_length=11, unique=True, null=True, blank=True)
    email = models.EmailField(_("email address"), blank=True)

    # Profile. Date of birth and the emergency contact are personal data: see volunteers.selectors for
    # who may read them.
    district = models.ForeignKey(
        "city.District",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="residents",
        verbose_name=_("district"),
    )
    skills = models.ManyToManyField(
        "volunteers.Skill", blank=True, related_name="people", verbose_name=_("skills")
    )
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    emergency_contact_name = models.CharField(_("emergency contact"), max_length=120, blank=True)
    emergency_contact_phone = models.CharField(_("emergency contact's phone"), max_length=20, blank=True)
    photo_consent = models.BooleanField(
        _("may appear in photos"),
        default=False,
        help_text=_("Photos of shifts that show this person may be published."),
    )
    cover_calls = models.BooleanField(
        _("places to cover at short notice"),
        default=False,
        help_text=_("Tell me when a place frees up at short notice on a shift I could do."),
    )
    organiser_messages = models.BooleanField(
        _("messages from organisers"),
        default=True,
        help_text=_(
            "Messages that staff send to everyone on a shift. Confirmations, reminders and changes to the "
            "person's own sign-ups are sent anyway."
        ),
    )
    leaderboard_visibility = models.CharField(
        _("on leaderboards"),
        max_length=10,
        choices=LeaderboardVisibility.choices,
        default=LeaderboardVisibility.NAME,
    )
    leaderboard_pseudonym = models.CharField(_("pseudonym"), max_length=60, blank=True)
    preferred_language = models.CharField(
        _("language for messages"),
        max_length=2,
        choices=Language.choices,
        default=Language.PERSIAN,
        help_text=_("E-mail and SMS to this person are written in this language."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=~models.Q(email=""), name="user_email_unique_when_present"
            ),
        ]

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class Organisation(models.Model):
    """An NGO (or other civic group) whose members volunteer together. Staff verify it before it may
    reserve places for a team."""

    name_fa = models.CharField(_("name (Persian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    registration_number = models.CharField(_("registration number"), max_length=50, unique=True)
    field_of_work = models.CharField(_("field of work"), max_length=200, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A rejection is kept, not deleted: the owners read the reason, correct the details and send the
    # registration again, which clears these three fields and puts the NGO back in the staff queue.
    rejected_at = models.DateTimeField(_("rejected at"), null=True, blank=True)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    # When the owners were last told of a decision (see volunteers/ngos/notices.py).
    decision_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("NGO")
        verbose_name_plural = _("NGOs")
        ordering = ["name_fa"]
        constraints = [
            models.CheckConstraint(
                condition=Q(verified_at__isnull=True) | Q(rejected_at__isnull=True),
                name="organisation_not_both_verified_and_rejected",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def is_rejected(self) -> bool:
        return self.rejected_at is not None


class OrganisationMembership(models.Model):
    """A person's role in an NGO: owners and managers run it, members volunteer with it."""

    class Role(models.TextChoices):
        OWNER = "owner", _("owner")
        MANAGER = "manager", _("manager")
        MEMBER = "member", _("member")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("NGO membership")
        verbose_name_plural = _("NGO memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], name="one_membership_per_person_and_ngo"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} ({self.role})"


class Team(models.Model):
    """A group of an NGO's members who sign up for shifts together."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("name"), max_length=120)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="teams", blank=True)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="team_name_unique_in_ngo"),
        ]

    def __str__(self) -> str:
        return self.name


class Skill(models.Model):
    """Something a volunteer can do (first aid, guiding in English, carpentry…); calls may require some."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name_fa = models.CharField(_("name (Persian)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["name_fa"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")


class ApiToken(models.Model):
    """A personal token for the REST API, so that apps and scripts act as the person without a password.

    Only the SHA-256 of the secret is stored: the secret is shown once, when the token is made, and a
    leaked database cannot be replayed against the API. The secret has 256 bits of randomness, so an
    unsalted fast hash is enough, and it lets a request find its token with one indexed lookup.
    """

    PREFIX_LENGTH = 8

    # Not "api_tokens": Wagtail's own APIToken (for its admin API) already takes that name on the user.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="personal_api_tokens",
        verbose_name=_("person"),
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    key_hash = models.CharField(_("hash of the secret"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(
        _("first characters"),
        max_length=PREFIX_LENGTH,
        editable=False,
        help_text=_("Tell tokens apart in lists."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True, help_text=_("Empty: never."))

    class Meta:
        verbose_name = _("personal API token")
        verbose_name_plural = _("personal API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})" if self.name else f"{self.prefix}…"

    @staticmethod
    def hash_secret(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()


class Invitation(models.Model):
    """A link or short code with which an NGO's managers invite people to join it (and a team)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, null=True, blank=True, related_name="invitations"
    )
    role = models.CharField(
        _("role"),
        max_length=10,
        choices=OrganisationMembership.Role.choices,
        default=OrganisationMembership.Role.MEMBER,
    )
    # Long enough to be unguessable, short enough to read out or type from a printed sheet.
    code = models.CharField(_("code"), max_length=16, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    max_uses = models.PositiveIntegerField(_("how many people may use it"), default=1)
    use_count = models.PositiveIntegerField(_("used"), default=0, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(use_count__lte=models.F("max_uses")), name="invitation_not_overused"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.code}"


class OneTimeCode(models.Model):
    """A short code sent by SMS that proves someone holds a mobile number, to sign up or log in with it.

    Only a keyed hash of the code is stored (a six-digit code has so few values that a plain hash would
    give it away). A code works once, for a few minutes, and for a few guesses; only the newest code for
    a number and purpose counts.
    """

    class Purpose(models.TextChoices):
        LOGIN = "login", _("log in")
        SIGNUP = "signup", _("sign up")
        GUARDIAN = "guardian", _("guardian's consent")
        DELETE = "delete", _("delete the account")
        VOICE = "voice", _("say something to the city")

    phone = models.CharField(_("mobile number"), max_length=11)
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices)
    code_hash = models.CharField(_("hash of the code"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("wrong guesses"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["phone", "purpose", "-created_at"], name="one_time_code_lookup")]

    def __str__(self) -> str:
        return f"{self.purpose} · {self.created_at:%Y-%m-%d %H:%M}"


# --- Eligibility: qualifications with an expiry, and guardians' consent for minors ---------------------


class QualificationKind(models.Model):
    """A qualification a call can require (first aid, counselling training…), kept by staff. A kind with a
    validity in months gives each certificate an expiry counted from its issue date."""

    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    name_fa = models.CharField(_("name (Persian)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    validity_months = models.PositiveSmallIntegerField(
        _("valid for (months)"),
        null=True,
        blank=True,
        help_text=_("Empty when a certificate never expires."),
    )

    class Meta:
        ordering = ["name_fa", "slug"]
        verbose_name = _("qualification kind")
        verbose_name_plural = _("qualification kinds")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")


def qualification_evidence_path(instance, filename: str) -> str:
    # Media is served without a permission check: a random name keeps a certificate unguessable (staff open
    # it through the staff area). Only the extension of the name given is kept.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    extension = extension if extension in {"pdf", "jpg", "jpeg", "png", "webp", "heic"} else "bin"
    return f"qualifications/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


class Qualification(models.Model):
    """A person's certificate of a qualification kind, submitted from their profile and verified (or
    turned down, with a reason) by staff. Only a verified one whose validity covers the day of a shift
    counts for a call that requires its kind."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for staff")
        VERIFIED = "verified", _("verified")
        REJECTED = "rejected", _("not accepted")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="qualifications",
        verbose_name=_("person"),
    )
    kind = models.ForeignKey(
        QualificationKind, on_delete=models.PROTECT, related_name="qualifications", verbose_name=_("kind")
    )
    certificate_number = models.CharField(_("certificate number"), max_length=60, blank=True)
    evidence = models.FileField(_("certificate (file)"), upload_to=qualification_evidence_path, blank=True)
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    rejection_reason = models.CharField(_("reason for not accepting"), max_length=300, blank=True)
    # Claims the decision notice (exactly once per decision).
    decision_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        indexes = [models.Index(fields=["person", "kind", "status"], name="qualification_held")]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("issued_on")),
                name="qualification_valid_after_issue",
            ),
            models.CheckConstraint(
                condition=~Q(certificate_number="", evidence=""), name="qualification_has_evidence"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} · {self.person}"


class GuardianConsent(models.Model):
    """A parent's or guardian's consent for a minor to volunteer, proven by a one-time code sent to the
    guardian's mobile. One consent covers every call for a year (GUARDIAN_CONSENT_VALIDITY), so a minor
    does not have their guardian type a code for each shift; a call asks for a consent valid on the
    shift's day."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="guardian_consents",
        verbose_name=_("person"),
    )
    guardian_name = models.CharField(_("guardian's name"), max_length=120)
    guardian_phone = models.CharField(_("guardian's mobile number"), max_length=11)
    consented_at = models.DateTimeField(_("consented at"), default=timezone.now)
    valid_until = models.DateField(_("valid until"))

    class Meta:
        ordering = ["-consented_at", "-pk"]
        verbose_name = _("guardian's consent")
        verbose_name_plural = _("guardians' consents")
        indexes = [models.Index(fields=["person", "-valid_until"], name="guardian_consent_held")]

    def __str__(self) -> str:
        return f"{self.person} · {self.guardian_name}"
