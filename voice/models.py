"""What citizens say to the city (Tehran's 137): an item of a kind, about a subject that belongs to a
department, with its timeline of every step; the answer, the rating and the reopening are steps too.

The current department is one column of the item, so an item is in exactly one inbox; the timeline is
append-only and every public figure (monitoring) is computed from it.
"""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from city.models import Department, District, Service
from core.localization import localized


class Kind(models.TextChoices):
    SUGGESTION = "suggestion", _("suggestion")
    IDEA = "idea", _("idea")
    THANKS = "thanks", _("thanks")
    COMPLAINT = "complaint", _("complaint")
    PROBLEM = "problem", _("problem at a place")


class Category(models.Model):
    """A subject citizens choose from (potholes, a park's lighting, a call's organisation…); it belongs to
    the department that answers for it."""

    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="voice_categories", verbose_name=_("department")
    )
    service = models.ForeignKey(
        Service,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="voice_categories",
        verbose_name=_("service"),
    )
    name_fa = models.CharField(_("name (Persian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["department__sort_order", "sort_order", "name_fa"]
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")


class AnswerTarget(models.Model):
    """How many of the city's working hours a department has to answer an item of a kind; a row without a
    department is the city's default for the kind."""

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    department = models.ForeignKey(
        Department,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="voice_targets",
        verbose_name=_("department"),
        help_text=_("Empty: the target of every department without one of its own."),
    )
    working_hours = models.PositiveSmallIntegerField(
        _("working hours"), validators=[MinValueValidator(1), MaxValueValidator(2000)]
    )

    class Meta:
        ordering = ["kind", "department"]
        verbose_name = _("answer target")
        verbose_name_plural = _("answer targets")
        constraints = [
            models.UniqueConstraint(fields=["kind", "department"], name="voice_target_once_per_department"),
            models.UniqueConstraint(
                fields=["kind"], condition=Q(department__isnull=True), name="voice_target_one_default"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.department or '*'} · {self.working_hours}"


def new_tracking_code() -> str:
    # Ten digits: read out over the phone and typed on any keypad; 10^10 codes against guessing, with the
    # tracking page's limits per address.
    return f"{secrets.randbelow(9 * 10**9) + 10**9}"


def new_author_key() -> str:
    return secrets.token_urlsafe(16)


class Item(models.Model):
    """One suggestion, idea, thanks, complaint or problem, from its receipt to its close."""

    class Channel(models.TextChoices):
        WEB = "web", _("web")
        API = "api", _("app (API)")
        PHONE = "phone", _("137 phone centre")
        DESK = "desk", _("in-person desk")

    class Status(models.TextChoices):
        OPEN = "open", _("awaiting an answer")
        ANSWERED = "answered", _("answered")
        REOPENED = "reopened", _("reopened")
        CLOSED = "closed", _("closed")
        MERGED = "merged", _("merged into another")

    tracking_code = models.CharField(
        _("tracking code"), max_length=10, unique=True, default=new_tracking_code
    )
    author_key = models.CharField(_("author's key"), max_length=32, default=new_author_key, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="items", verbose_name=_("subject")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="voice_items", verbose_name=_("department")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)

    # Who said it: an account, or only a mobile number proved by a one-time code (as a 137 caller).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="voice_items",
        verbose_name=_("author"),
    )
    mobile = models.CharField(_("mobile number"), max_length=11, blank=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    language = models.CharField(_("language"), max_length=8, default="fa")
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, default=Channel.WEB)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), max_length=4000)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    district = models.ForeignKey(
        District,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district"),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)

    # What a complaint is about, when it is about something in Hamyar.
    service = models.ForeignKey(
        Service, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("service")
    )
    call = models.ForeignKey(
        "campaigns.OpenCallPage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("open call"),
    )
    verification = models.ForeignKey(
        "verification.Verification",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verification decision"),
    )
    # Whoever took the decision a complaint is about never answers it.
    not_for = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("not to be answered by"),
    )

    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    due_at = models.DateTimeField(_("answer due at"))
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("last answered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)

    # Public only when the author allows it and staff have read it; the author is never shown.
    public_allowed = models.BooleanField(_("the author allows a public page"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    public_title = models.CharField(_("public title"), max_length=200, blank=True)
    public_body = models.TextField(_("public text"), max_length=4000, blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged",
        verbose_name=_("merged into"),
    )
    supporters = models.PositiveIntegerField(_("supporters"), default=0)
    # An idea staff turned into work: a draft open call, or a candidate service of a Delphi study.
    became_call = models.ForeignKey(
        "campaigns.OpenCallPage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("became the call"),
    )
    became_candidate = models.ForeignKey(
        "delphi.Candidate",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("became the candidate service"),
    )

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("citizen's item")
        verbose_name_plural = _("citizens' items")
        indexes = [
            models.Index(fields=["department", "status", "due_at"], name="voice_item_inbox"),
            models.Index(fields=["published_at"], name="voice_item_public"),
            models.Index(fields=["mobile"], name="voice_item_mobile"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="voice_rating_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | Q(public_allowed=True),
                name="voice_public_if_allowed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} · {self.title}"

    @property
    def is_awaiting_answer(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.REOPENED)

    @property
    def is_public(self) -> bool:
        return self.published_at is not None and self.status != self.Status.MERGED

    @property
    def shown_title(self) -> str:
        return self.public_title or self.title

    @property
    def shown_body(self) -> str:
        return self.public_body or self.body

    @property
    def has_place(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class Step(models.Model):
    """One step of an item's timeline: who did what, when. Append-only; monitoring is computed from it."""

    class Action(models.TextChoices):
        RECEIVED = "received", _("received and sent to the department")
        TRANSFERRED = "transferred", _("transferred to another department")
        ANSWERED = "answered", _("answered")
        ESCALATED = "escalated", _("overdue: escalated to the department's approver")
        RATED = "rated", _("rated by the citizen")
        REOPENED = "reopened", _("reopened by the citizen")
        CLOSED = "closed", _("closed")
        PUBLISHED = "published", _("published")
        MERGED = "merged", _("merged into another item")
        BECAME_WORK = "became_work", _("turned into work")

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="steps", verbose_name=_("item"))
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    at = models.DateTimeField(_("at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    to_department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("to department"),
    )
    text = models.TextField(_("text"), blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    # The citizen's notice of this step, claimed once (None: none due or not yet sent).
    notified_at = models.DateTimeField(_("citizen told at"), null=True, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        indexes = [models.Index(fields=["action", "at"], name="voice_step_action_at")]

    def __str__(self) -> str:
        return f"{self.item_id} · {self.action} · {self.at:%Y-%m-%d %H:%M}"


def photo_path(photo: "Photo", filename: str) -> str:
    # A random name: media is served without a permission check.
    return f"voice/{secrets.token_urlsafe(18)}.jpg"


class Photo(models.Model):
    """A photo of a problem, re-encoded without its metadata (no GPS of where it was taken from)."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="photos", verbose_name=_("item"))
    image = models.ImageField(_("photo"), upload_to=photo_path)
    is_public = models.BooleanField(_("shown on the public page"), default=False)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return f"{self.item_id} · {self.pk}"


class Support(models.Model):
    """"Me too" on a public problem: one per person with an account."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="supports", verbose_name=_("item"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("person")
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [models.UniqueConstraint(fields=["item", "user"], name="voice_support_once")]

    def __str__(self) -> str:
        return f"{self.item_id} · {self.user_id}"


class Open311Key(models.Model):
    """An app or city dashboard allowed to create requests through Open311 (`api_key`); only the key's
    hash is stored. Created with `manage.py open311_key_create`."""

    name = models.CharField(_("name"), max_length=200)
    key_hash = models.CharField(_("hash of the key"), max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("Open311 key")
        verbose_name_plural = _("Open311 keys")

    def __str__(self) -> str:
        return self.name
