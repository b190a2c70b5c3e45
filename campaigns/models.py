import datetime
import functools
from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from city.models import Department, District, Service
from core.cached_answers import page_kept_for_readers
from core.localization import format_date, is_persian, localized
from core.page_routes import KeptViewRestrictionsMixin
from volunteers.ngos.selectors import teams_managed_by

from .blocks import CallBodyBlock
from .panels import OpenCallPageForm, ShiftsPanel
from .team_forms import TeamReserveForm

# --- Open calls ---------------------------------------------------------------------------------------
# Shifts and sign-ups are ordinary models, not parts of the call page: page revisions, moderation and
# scheduled publishing then never touch seats, so publishing an older revision cannot delete a shift
# people signed up for, nor roll back a shift's count of confirmed places.


# Guests one person may bring to a shift, at most, whatever a call allows.
MAX_GUESTS = 9


class CallIndexPage(KeptViewRestrictionsMixin, Page):
    """The public listing of open calls, with filters, search, a map and pages of results."""

    title_en = models.CharField(_("title (English)"), max_length=255, blank=True)
    intro_fa = models.TextField(_("introduction (Persian)"), blank=True)
    intro_en = models.TextField(_("introduction (English)"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("title_en"),
        FieldPanel("intro_fa"),
        FieldPanel("intro_en"),
    ]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["campaigns.DepartmentCallsPage"]
    max_count = 1

    # The listing view (campaigns.views.call_listing: filters, search, map, kept pages) renders this page.
    # The view reads through the selectors, which import these models, so the app hands the view to the
    # page in CampaignsConfig.ready() instead of this module importing it.
    listing_view = None

    class Meta:
        verbose_name = _("open calls listing")

    @property
    def localized_title(self) -> str:
        return self.title_en if not is_persian() and self.title_en else self.title

    @property
    def intro(self) -> str:
        return localized(self, "intro")

    def serve(self, request, *args, **kwargs):
        return self.listing_view(request, index_page=self)


class DepartmentCallsPage(KeptViewRestrictionsMixin, Page):
    """Holds one department's calls, so that Wagtail's page permissions and moderation workflow scope
    each department's staff to their own calls."""

    department = models.OneToOneField(
        Department, on_delete=models.PROTECT, related_name="calls_page", verbose_name=_("department")
    )

    content_panels = [*Page.content_panels, FieldPanel("department")]
    parent_page_types = ["campaigns.CallIndexPage"]
    subpage_types = ["campaigns.OpenCallPage"]

    class Meta:
        verbose_name = _("department's calls")

    def serve(self, request, *args, **kwargs):
        # The public sees one listing; a department's page is that listing filtered to the department.
        index = self.get_parent().specific
        return redirect(f"{index.url}?department={self.department.slug}")


class OpenCallPage(KeptViewRestrictionsMixin, Page):
    """An open call: staff invite citizens and NGOs to take on one service at one place, in shifts.

    The Persian text lives in Wagtail's own fields (title, and the `_fa` fields); English is optional and
    falls back to Persian.
    """

    title_en = models.CharField(_("title (English)"), max_length=255, blank=True)
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="calls", verbose_name=_("service")
    )
    summary_fa = models.TextField(_("summary (Persian)"), max_length=400)
    summary_en = models.TextField(_("summary (English)"), max_length=400, blank=True)
    body_fa = StreamField(CallBodyBlock(), verbose_name=_("body (Persian)"), blank=True)
    body_en = StreamField(CallBodyBlock(), verbose_name=_("body (English)"), blank=True)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="calls", verbose_name=_("district")
    )
    address_fa = models.CharField(_("address (Persian)"), max_length=300)
    address_en = models.CharField(_("address (English)"), max_length=300, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    min_age = models.PositiveSmallIntegerField(
        _("minimum age"), default=0, validators=[MaxValueValidator(99)], help_text=_("0 means any age.")
    )
    max_guests = models.PositiveSmallIntegerField(
        _("guests per person"),
        default=0,
        validators=[MaxValueValidator(MAX_GUESTS)],
        help_text=_(
            "0: everyone signs up for themselves. Otherwise a person may bring up to this many named guests "
            "(family, friends) without an account; each takes a place."
        ),
    )
    required_skills = ParentalManyToManyField(
        "volunteers.Skill", blank=True, related_name="calls", verbose_name=_("required skills")
    )
    required_qualifications = ParentalManyToManyField(
        "volunteers.QualificationKind",
        blank=True,
        related_name="calls",
        verbose_name=_("required qualifications"),
        help_text=_("Verified by staff and valid on the day of the shift."),
    )
    guardian_consent_required = models.BooleanField(
        _("guardian's consent for minors"),
        default=True,
        help_text=_(
            "People under 18 on the day of the shift need a parent's or guardian's consent, confirmed by a "
            "code sent to the guardian's mobile. Only matters when the minimum age is under 18."
        ),
    )
    waiver_fa = models.TextField(_("waiver (Persian)"), blank=True)
    waiver_en = models.TextField(_("waiver (English)"), blank=True)
    waiver_version = models.CharField(
        _("waiver version"),
        max_length=20,
        blank=True,
        help_text=_(
            "Required with a waiver. When you change the waiver's text, change the version too (e.g. 2): "
            "people already signed up are then asked to accept the new version."
        ),
    )
    open_to_individuals = models.BooleanField(_("open to individuals"), default=True)
    open_to_teams = models.BooleanField(_("open to NGO teams"), default=True)
    points_per_hour = models.PositiveIntegerField(
        _("points per verified hour"), default=10, validators=[MaxValueValidator(1000)]
    )
    contact_name = models.CharField(_("contact person"), max_length=120, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    # The words the listing finds the call by (see call_search_vectors_refresh below); filled on PostgreSQL.
    # Not in revisions (serialize=False): it follows the live text, not a draft's.
    search_vector = SearchVectorField(null=True, editable=False, serialize=False)

    content_panels = [
        FieldPanel("title"),
        FieldPanel("title_en"),
        FieldPanel("service"),
        FieldPanel("summary_fa"),
        FieldPanel("summary_en"),
        FieldPanel("body_fa"),
        FieldPanel("body_en"),
    ]
    place_panels = [
        FieldPanel("district"),
        FieldPanel("address_fa"),
        FieldPanel("address_en"),
        MultiFieldPanel([FieldPanel("latitude"), FieldPanel("longitude")], heading=_("Map position")),
    ]
    participation_panels = [
        FieldPanel("open_to_individuals"),
        FieldPanel("open_to_teams"),
        FieldPanel("min_age"),
        FieldPanel("max_guests"),
        FieldPanel("required_skills", widget=forms.CheckboxSelectMultiple),
        FieldPanel("required_qualifications", widget=forms.CheckboxSelectMultiple),
        FieldPanel("guardian_consent_required"),
        MultiFieldPanel(
            [FieldPanel("waiver_fa"), FieldPanel("waiver_en"), FieldPanel("waiver_version")],
            heading=_("Waiver"),
        ),
        FieldPanel("points_per_hour"),
        MultiFieldPanel([FieldPanel("contact_name"), FieldPanel("contact_phone")], heading=_("Contact")),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Content")),
            ObjectList(place_panels, heading=_("Place")),
            ObjectList([*participation_panels, ShiftsPanel()], heading=_("Who, when and points")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(Page.settings_panels, heading=_("Settings")),
        ]
    )
    search_fields = [
        *Page.search_fields,
        index.SearchField("title_en"),
        index.SearchField("summary_fa"),
        index.SearchField("summary_en"),
        index.SearchField("body_fa"),
        index.SearchField("body_en"),
        index.SearchField("address_fa"),
        index.SearchField("address_en"),
        index.RelatedFields(
            "service", [index.SearchField("short_name_fa"), index.SearchField("short_name_en")]
        ),
        index.RelatedFields("district", [index.SearchField("name_fa"), index.SearchField("name_en")]),
    ]
    parent_page_types = ["campaigns.DepartmentCallsPage"]
    subpage_types: list[str] = []
    base_form_class = OpenCallPageForm

    class Meta:
        verbose_name = _("open call")
        verbose_name_plural = _("open calls")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(open_to_individuals=True) | models.Q(open_to_teams=True),
                name="open_call_open_to_someone",
            ),
        ]

    @property
    def guest_numbers(self) -> range:
        """1 … max_guests, for the form's guest fields."""
        return range(1, self.max_guests + 1)

    @property
    def localized_title(self) -> str:
        return self.title_en if not is_persian() and self.title_en else self.title

    @property
    def summary(self) -> str:
        return localized(self, "summary")

    @property
    def address(self) -> str:
        return localized(self, "address")

    @property
    def body(self):
        return self.body_en if not is_persian() and self.body_en else self.body_fa

    @property
    def department(self) -> Department:
        return self.service.department

    @property
    def waiver(self) -> str:
        return localized(self, "waiver")

    def clean(self):
        super().clean()
        errors = {}
        parent = self.get_parent()
        section = parent.specific if parent else None
        if isinstance(section, DepartmentCallsPage) and self.service_id:
            if self.service.department_id != section.department_id:
                errors["service"] = _(
                    "This call is in the %(department)s section; choose one of its services."
                ) % {"department": section.department.name}
        if not self.open_to_individuals and not self.open_to_teams:
            errors["open_to_teams"] = _("Open the call to individuals, to NGO teams, or to both.")
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude"] = _("Give both latitude and longitude, or neither.")
        if (self.waiver_fa or self.waiver_en) and not self.waiver_version.strip():
            errors["waiver_version"] = _(
                "Give the waiver a version (e.g. 1); change it whenever its text changes."
            )
        if self.waiver_en and not self.waiver_fa:
            errors["waiver_fa"] = _("Write the waiver in Persian too.")
        if self.pk and self.waiver_version and "waiver_version" not in errors:
            # The page's row holds the published text: a changed text under the same version would be
            # taken as accepted by people who accepted the old one.
            published = (
                OpenCallPage.objects.filter(pk=self.pk)
                .values("waiver_fa", "waiver_en", "waiver_version")
                .first()
            )
            text = (self.waiver_fa, self.waiver_en)
            if (
                published
                and published["waiver_version"] == self.waiver_version
                and (published["waiver_fa"], published["waiver_en"]) != text
            ):
                errors["waiver_version"] = _(
                    "The waiver's text has changed: give it a new version, so that people signed up are "
                    "asked to accept it."
                )
        if errors:
            raise ValidationError(errors)

    def shifts_in_order(self):
        return Shift.objects.filter(call=self).order_by("starts_at", "pk")

    def is_accepting_signups(self) -> bool:
        """Open for new sign-ups: live, not closed by staff."""
        return self.live and not CallClosure.objects.filter(call=self).exists()

    def shifts_reservable_for_teams(self, *, now=None) -> list:
        """The call's shifts a team may still reserve places on: not over, sign-ups open, before the time
        unassigned team places go back to the public, with team places left."""
        now = now or timezone.now()
        return [
            shift
            for shift in self.shifts_in_order().filter(ends_at__gt=now, team_places__gt=0)
            if shift.signup_deadline > now and shift.team_places_release_at > now and shift.team_places_left
        ]

    def serve(self, request, *args, **kwargs):
        # Kept whole as a reader without a session gets it, under the versions of the calls and of this
        # call's own free places that its kept fragments use too, and given to signed-in readers with their
        # own parts put in: their menu, their place or button on each shift, the contact's phone, their
        # teams' places.
        from .selectors import CALL_COUNT_SECONDS, call_page_response_key  # selectors reads these models

        return page_kept_for_readers(
            request,
            key_for=functools.partial(call_page_response_key, call_id=self.pk),
            seconds=CALL_COUNT_SECONDS,
            render=lambda reader: super(OpenCallPage, self).serve(reader, *args, **kwargs),
            reader_parts=self.reader_parts,
        )

    def reader_parts(self, request) -> str:
        """The reader's own parts of the page (see `serve`), each between its markers."""
        context = {"page": self, **self._shifts_context(request)}
        return render_to_string("campaigns/includes/call_reader_parts.html", context, request=request)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(self._shifts_context(request))
        # The parts of the page that are the same for every reader are kept (`{% kept %}`), but never
        # those of a preview.
        if self.pk and not getattr(request, "is_preview", False):
            from .selectors import call_page_version  # selectors reads these models

            context["kept_version"] = call_page_version(self.pk)
        return context

    def _shifts_context(self, request) -> dict:
        """The shifts, whether the call takes sign-ups, and the reader's teams' places: what the whole page
        and the reader's own parts of it are drawn from."""
        # A preview of a call not saved yet has no shifts and takes no sign-ups.
        is_accepting_signups = bool(self.pk) and self.is_accepting_signups()
        return {
            "shifts": list(self.shifts_in_order()) if self.pk else [],
            "is_accepting_signups": is_accepting_signups,
            **self._team_reservation_context(request, is_accepting_signups),
        }

    def _team_reservation_context(self, request, is_accepting_signups: bool) -> dict:
        """For managers of verified NGOs on a call open to teams: their teams' places on its shifts and,
        while it takes sign-ups, the form to reserve more. Nothing (and no query) for anyone else."""
        user = getattr(request, "user", None)
        if not (self.pk and self.open_to_teams and user is not None and user.is_authenticated):
            return {}
        teams = list(teams_managed_by(user=user, verified_only=True))
        if not teams:
            return {}
        shifts = self.shifts_reservable_for_teams() if is_accepting_signups else []
        return {
            "team_reservations": list(
                TeamReservation.objects.filter(shift__call=self, team__in=teams)
                .select_related("shift", "team")
                .order_by("shift__starts_at", "pk")
            ),
            "team_reserve_form": TeamReserveForm(shifts=shifts, teams=teams) if shifts else None,
        }


# The listing's text search (campaigns.selectors.call_list) reads OpenCallPage.search_vector. The words come
# from three tables (Wagtail keeps the Persian title on the page's row, and the service's and district's
# names are theirs), so no generated column can hold them: this rewrites the vectors from the rows as they
# are in the database. Signals call it whenever a call, its page, its service or its district is saved;
# code that writes calls in bulk without saving them (like bench/data.py's COPY) must call it afterwards.
# 'simple': PostgreSQL has no Persian stemmer, and lower-casing is all that English titles need.
TEXT_SEARCH_CONFIG = "simple"
CALL_SEARCHED_FIELDS = (
    "title",
    "title_en",
    "summary_fa",
    "summary_en",
    "address_fa",
    "address_en",
    "service__short_name_fa",
    "service__short_name_en",
    "district__name_fa",
    "district__name_en",
)


def call_search_vectors_refresh(*, calls) -> int:
    """Rewrites the search vector of each call of the queryset from its current text, in one UPDATE; how
    many calls it rewrote. Nothing on other databases than PostgreSQL, where the listing searches the
    texts themselves."""
    if connection.vendor != "postgresql":
        return 0
    vector = (
        OpenCallPage.objects.filter(pk=models.OuterRef("pk"))
        .annotate(vector=SearchVector(*CALL_SEARCHED_FIELDS, config=TEXT_SEARCH_CONFIG))
        .values("vector")
    )
    return calls.order_by().update(search_vector=models.Subquery(vector[:1]))


class CallClosure(models.Model):
    """Staff closed a call to new sign-ups (weather, a change of plan…). Kept apart from the page so that
    publishing a revision cannot reopen it."""

    call = models.OneToOneField(OpenCallPage, on_delete=models.CASCADE, related_name="closure")
    closed_at = models.DateTimeField(_("closed at"), default=timezone.now)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("call closure")
        verbose_name_plural = _("call closures")

    def __str__(self) -> str:
        return f"{self.call} closed at {self.closed_at:%Y-%m-%d %H:%M}"


class CallSchedule(models.Model):
    """What the listing sorts and shows a call by, kept on a small row of its own: the start of its next
    shift still taking sign-ups and the free places over those shifts (one under way, or whose sign-ups
    closed, counts for neither).

    Rewritten (campaigns.services.call_schedule_refresh) whenever a shift is saved or deleted and by every
    service that changes a shift's counters, in the same transaction. Time alone also changes it: from
    `valid_until` (the sign-up deadline of the first counted shift) it is stale, and beat rewrites it within a
    minute; until then the listing reads the exact figures for a stale row itself and only its place in the
    order lags. Kept apart from the page's row so that sign-ups never wait for Wagtail saving the call.
    """

    call = models.OneToOneField(
        OpenCallPage, on_delete=models.CASCADE, primary_key=True, related_name="schedule"
    )
    next_shift_starts_at = models.DateTimeField(null=True)
    free_places = models.PositiveIntegerField(default=0)
    valid_until = models.DateTimeField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["next_shift_starts_at", "call"], name="call_schedule_order"),
            models.Index(fields=["valid_until"], name="call_schedule_valid_until"),
        ]

    def __str__(self) -> str:
        return f"{self.call_id}: {self.next_shift_starts_at}, {self.free_places} free"


class Shift(models.Model):
    """A time slot of a call with a fixed number of places.

    Three counters live on the shift's row and are only changed together with the rows they count, under
    a lock on this row (see campaigns/services.py), so that free places are read from one row:
    `confirmed_count` mirrors the confirmed sign-ups (team members assigned to reserved places among them),
    `team_reserved_count` the places NGO teams hold (assigned or not) and `team_unassigned_count` those of
    them no member has been assigned to yet. Places taken = confirmed + team places still unassigned; check
    constraints keep that within the capacity and team reservations within `team_places`, whatever the
    code does.
    """

    COUNTER_FIELDS = (
        "confirmed_count",
        "team_reserved_count",
        "team_unassigned_count",
        "waitlist_last_position",
    )

    call = models.ForeignKey(
        OpenCallPage, on_delete=models.CASCADE, related_name="shifts", verbose_name=_("call")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(
        _("places"), validators=[MinValueValidator(1), MaxValueValidator(10000)]
    )
    team_places = models.PositiveIntegerField(
        _("places NGO teams may reserve"),
        default=0,
        help_text=_("Of the places, how many teams may reserve."),
    )
    checkin_radius_m = models.PositiveIntegerField(
        _("check-in radius (metres)"),
        null=True,
        blank=True,
        help_text=_(
            "Volunteers checking in with their phone's position must be this close. Empty: no check."
        ),
    )
    signups_close_at = models.DateTimeField(
        _("sign-ups close at"), null=True, blank=True, help_text=_("Empty: when the shift starts.")
    )
    confirmed_count = models.PositiveIntegerField(_("confirmed places"), default=0, editable=False)
    team_reserved_count = models.PositiveIntegerField(
        _("places reserved by teams"), default=0, editable=False
    )
    team_unassigned_count = models.PositiveIntegerField(
        _("team places not yet assigned"), default=0, editable=False
    )
    # The place in line given last: the next person waits at this + 1. Read and raised under the row lock,
    # so that joining the waiting list needs no MAX over the sign-ups.
    waitlist_last_position = models.PositiveIntegerField(
        _("last place in line given"), default=0, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        indexes = [models.Index(fields=["call", "starts_at"]), models.Index(fields=["starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="shift_ends_after_start"
            ),
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="shift_has_places"),
            models.CheckConstraint(
                condition=models.Q(team_places__lte=models.F("capacity")),
                name="shift_team_places_within_capacity",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    capacity__gte=models.F("confirmed_count") + models.F("team_unassigned_count")
                ),
                name="shift_never_over_capacity",
            ),
            models.CheckConstraint(
                condition=models.Q(team_reserved_count__lte=models.F("team_places")),
                name="shift_team_reservations_within_team_places",
            ),
            models.CheckConstraint(
                condition=models.Q(team_unassigned_count__lte=models.F("team_reserved_count")),
                name="shift_unassigned_within_team_reservations",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.call.title} · {format_date(self.starts_at, with_time=True)}"

    def save(self, *args, **kwargs):
        # The counters change only through conditional UPDATEs under the row lock; a staff member's form,
        # loaded a minute ago, must not write back the counts it read then.
        if self.pk and not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in self.COUNTER_FIELDS
            ]
        super().save(*args, **kwargs)

    @property
    def taken_places(self) -> int:
        """Confirmed people plus team places not assigned yet: places nobody else can have."""
        return self.confirmed_count + self.team_unassigned_count

    @property
    def free_places(self) -> int:
        return max(self.capacity - self.taken_places, 0)

    @property
    def team_places_left(self) -> int:
        return max(self.team_places - self.team_reserved_count, 0)

    @property
    def team_places_release_at(self):
        """When team places still unassigned go back to the public (TEAM_PLACES_RELEASE_HOURS before)."""
        return self.starts_at - datetime.timedelta(hours=settings.TEAM_PLACES_RELEASE_HOURS)

    @property
    def duration_hours(self) -> Decimal:
        return Decimal((self.ends_at - self.starts_at).total_seconds() / 3600).quantize(Decimal("0.01"))

    @property
    def has_ended(self) -> bool:
        return self.ends_at <= timezone.now()

    @property
    def signup_deadline(self):
        return self.signups_close_at or self.starts_at

    @property
    def cancellation_deadline(self):
        """Until when a confirmed place can be given up online (later, it would go unfilled)."""
        return self.starts_at - datetime.timedelta(minutes=settings.SIGNUP_CANCELLATION_CUTOFF_MINUTES)

    def clean(self):
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("A shift must end after it starts.")
        if self.capacity is not None:
            if self.team_places and self.team_places > self.capacity:
                errors["team_places"] = _("Teams cannot reserve more places than the shift has.")
            if self.pk:
                # Compare with the counts as they are now, not as they were when the form was loaded.
                current = Shift.objects.filter(pk=self.pk).values(*self.COUNTER_FIELDS).first() or {}
                taken = current.get("confirmed_count", 0) + current.get("team_unassigned_count", 0)
                if self.capacity < taken:
                    errors["capacity"] = _(
                        "%(count)s places are already taken (confirmed people and team reservations); "
                        "places cannot go below that."
                    ) % {"count": taken}
                reserved = current.get("team_reserved_count", 0)
                if (self.team_places or 0) < reserved:
                    errors["team_places"] = _(
                        "Teams have already reserved %(count)s places; this cannot go below that."
                    ) % {"count": reserved}
        if self.signups_close_at and self.starts_at and self.signups_close_at > self.starts_at:
            errors["signups_close_at"] = _("Sign-ups must close before the shift starts.")
        if errors:
            raise ValidationError(errors)


class SignUp(models.Model):
    """A person's place on a shift (with the places of the named guests they bring, on calls that allow
    guests): confirmed, or waiting in line for places to free up."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("confirmed")
        WAITLISTED = "waitlisted", _("on the waiting list")
        CANCELLED = "cancelled", _("cancelled")
        # Confirmed, but never checked in by the end of the shift.
        NO_SHOW = "no_show", _("did not come")

    ACTIVE_STATUSES = (Status.CONFIRMED, Status.WAITLISTED)

    shift = models.ForeignKey(
        Shift, on_delete=models.PROTECT, related_name="signups", verbose_name=_("shift")
    )
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="signups",
        verbose_name=_("volunteer"),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    waitlist_position = models.PositiveIntegerField(_("place in line"), null=True, blank=True)
    created_at = models.DateTimeField(_("signed up at"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    # Set once when the volunteer is told the call stopped taking part; makes that notice exactly-once.
    call_stopped_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    # A place an NGO manager gave this person out of their team's reservation.
    reservation = models.ForeignKey(
        "TeamReservation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signups",
        verbose_name=_("team reservation"),
    )
    promoted_at = models.DateTimeField(_("got a place from the waiting list at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cancelled by"),
        help_text=_("Empty when the person cancelled it themselves."),
    )
    cancellation_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    # Family or friends without an account who come with the person, each taking a place; the person
    # answers for them (they earn no points and have no check-in of their own).
    guests = models.PositiveSmallIntegerField(_("guests"), default=0)
    guest_names = models.JSONField(_("guests' names"), default=list, blank=True)
    # A walk-in: registered at the site by its lead (who is recorded), not by the person online.
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered at the site by"),
    )
    # Claims that make the promotion and staff-cancellation notices exactly-once (a conditional UPDATE).
    promotion_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When the person was sent the confirmation of their sign-up (a place, or a number in line).
    signup_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancellation_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["shift", "created_at", "pk"]
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        indexes = [models.Index(fields=["volunteer", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["shift", "volunteer"],
                condition=models.Q(status__in=["confirmed", "waitlisted"]),
                name="one_active_signup_per_person_and_shift",
            ),
            models.UniqueConstraint(
                fields=["shift", "waitlist_position"],
                condition=models.Q(status="waitlisted"),
                name="one_person_per_waitlist_position",
            ),
            models.CheckConstraint(
                condition=models.Q(status="waitlisted", waitlist_position__isnull=False)
                | (~models.Q(status="waitlisted") & models.Q(waitlist_position__isnull=True)),
                name="waitlist_position_only_when_waitlisted",
            ),
            models.CheckConstraint(
                condition=models.Q(reservation__isnull=True) | ~models.Q(status="waitlisted"),
                name="team_places_are_never_waitlisted",
            ),
            models.CheckConstraint(
                condition=models.Q(guests__lte=MAX_GUESTS)
                & (models.Q(reservation__isnull=True) | models.Q(guests=0)),
                name="guests_bounded_and_never_on_team_places",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} · {self.shift_id} · {self.status}"

    def can_cancel_online(self, now=None) -> bool:
        """A place in line can be left until the shift ends; a confirmed one given up until the shift's
        cancellation deadline. Pages offer "cancel" only when this holds, so the offer is never refused."""
        now = now or timezone.now()
        if self.status == self.Status.WAITLISTED:
            return self.shift.ends_at > now
        return self.status == self.Status.CONFIRMED and now < self.shift.cancellation_deadline

    @property
    def can_cancel_online_now(self) -> bool:
        return self.can_cancel_online()

    @property
    def places(self) -> int:
        """The places this sign-up takes: the person's and their guests'."""
        return 1 + self.guests

    @property
    def guest_names_text(self) -> str:
        return ("، " if is_persian() else ", ").join(self.guest_names)


class SignUpRequest(models.Model):
    """A sign-up waiting its turn. When many sign up for one shift at once (a popular call opening), each
    is written down here in the order it came and answered at once with its place in this line; a worker
    then signs them up one after another in that order, by the same rules as any sign-up
    (campaigns.signup_line). The outcome, a sign-up or the reason it was refused, is kept for the person
    to read."""

    class State(models.TextChoices):
        WAITING = "waiting", _("queued")
        SIGNED_UP = "signed_up", _("signed up")
        REFUSED = "refused", _("refused")

    shift = models.ForeignKey(
        Shift, on_delete=models.CASCADE, related_name="signup_requests", verbose_name=_("shift")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="signup_requests",
        verbose_name=_("person"),
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.WAITING)
    channel = models.CharField(_("channel"), max_length=10, default="web")
    accept_waiver_version = models.CharField(max_length=40, blank=True)
    guest_names = models.JSONField(default=list, blank=True)
    # The language the person asked in: a refusal is written in it.
    language = models.CharField(max_length=10)
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    signup = models.OneToOneField(
        SignUp, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("sign-up")
    )
    refusal_code = models.CharField(max_length=40, blank=True)
    refusal_message = models.TextField(blank=True)

    class Meta:
        verbose_name = _("queued sign-up")
        verbose_name_plural = _("queued sign-ups")
        indexes = [
            models.Index(
                fields=["shift", "id"], condition=models.Q(state="waiting"), name="signup_request_waiting"
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["shift", "person"],
                condition=models.Q(state="waiting"),
                name="one_waiting_signup_request_per_person",
            ),
            models.CheckConstraint(
                condition=models.Q(state="waiting", decided_at__isnull=True)
                | (~models.Q(state="waiting") & models.Q(decided_at__isnull=False)),
                name="signup_request_decided_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} · {self.shift_id} · {self.state}"


class TeamReservation(models.Model):
    """Places an NGO manager holds on a shift for one of their teams, to give to its members later.

    `places` is what the team holds now, assigned or not; `assigned_count` mirrors the confirmed sign-ups
    made out of it. Both change only under the shift's row lock, together with the shift's counters.
    Places still unassigned TEAM_PLACES_RELEASE_HOURS before the shift go back to the public, once:
    `released_at` records that, and from then on the team holds only its assigned places.
    """

    shift = models.ForeignKey(
        Shift, on_delete=models.PROTECT, related_name="team_reservations", verbose_name=_("shift")
    )
    team = models.ForeignKey(
        "volunteers.Team", on_delete=models.PROTECT, related_name="shift_reservations", verbose_name=_("team")
    )
    places = models.PositiveIntegerField(_("places"))
    assigned_count = models.PositiveIntegerField(_("assigned places"), default=0, editable=False)
    reserved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("reserved by"),
    )
    created_at = models.DateTimeField(_("reserved at"), default=timezone.now)
    released_at = models.DateTimeField(_("unassigned places released at"), null=True, blank=True)
    released_places = models.PositiveIntegerField(_("places released"), default=0)
    # Claim that makes the manager's notice of the release exactly-once.
    release_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["shift", "created_at", "pk"]
        verbose_name = _("team reservation")
        verbose_name_plural = _("team reservations")
        constraints = [
            models.UniqueConstraint(fields=["shift", "team"], name="one_reservation_per_team_and_shift"),
            models.CheckConstraint(
                condition=models.Q(assigned_count__lte=models.F("places")),
                name="team_reservation_assigned_within_places",
            ),
            models.CheckConstraint(
                condition=models.Q(released_at__isnull=True) | models.Q(places=models.F("assigned_count")),
                name="released_team_reservation_holds_only_assigned_places",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.shift_id} · {self.places}"

    @property
    def unassigned_places(self) -> int:
        return max(self.places - self.assigned_count, 0)


# --- Reminders and calendars (services in campaigns/reminders.py) -------------------------------------


class ShiftReminder(models.Model):
    """A reminder of an upcoming shift that was sent to the person signed up for it.

    The row is the claim that makes each reminder exactly-once: the unique constraint lets only one run of
    the reminder task insert it, and the reminder is sent in the same transaction (see
    `campaigns.reminders.shift_reminders_send`).
    """

    class Kind(models.TextChoices):
        DAY_BEFORE = "24h", _("a day before")
        HOURS_BEFORE = "2h", _("two hours before")

    signup = models.ForeignKey(
        SignUp, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("sign-up")
    )
    kind = models.CharField(_("kind"), max_length=3, choices=Kind.choices)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("shift reminder")
        verbose_name_plural = _("shift reminders")
        constraints = [
            models.UniqueConstraint(fields=["signup", "kind"], name="one_reminder_per_signup_and_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.signup_id} · {self.kind}"


class CalendarFeed(models.Model):
    """The secret address of a person's calendar feed (/calendar/<token>.ics) of their shifts.

    Kept apart from the user model so that the calendar stays a self-contained capability. The token is
    stored as is, unlike API tokens (only their hash is kept): the feed only reads the person's schedule,
    and they must be able to see and copy its address again whenever they want to subscribe another
    calendar. Resetting it gives a new address and the old one stops working.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feed",
        verbose_name=_("person"),
    )
    token = models.CharField(_("secret token"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"calendar feed of {self.user_id}"


class ShiftMessage(models.Model):
    """A message staff sent to the people of a shift (its confirmed places, its waiting list, or both), by
    e-mail and SMS. Each person gets it once (`ShiftMessageDelivery`), framed in their language; people who
    turned organisers' messages off in their profile are skipped."""

    class Audience(models.TextChoices):
        CONFIRMED = "confirmed", _("people with a place")
        WAITLISTED = "waitlisted", _("the waiting list")
        EVERYONE = "everyone", _("everyone signed up")
        TEAM = "team", _("the team's members with a place")

    shift = models.ForeignKey(
        Shift, on_delete=models.CASCADE, related_name="messages", verbose_name=_("shift")
    )
    # A message from an NGO's manager to the members they gave the reservation's places to.
    reservation = models.ForeignKey(
        "TeamReservation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="messages",
        verbose_name=_("team's places"),
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("sent by")
    )
    audience = models.CharField(_("to"), max_length=10, choices=Audience.choices)
    text = models.TextField(_("message"), max_length=600)
    text_en = models.TextField(_("message in English"), max_length=600, blank=True)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("message to a shift")
        verbose_name_plural = _("messages to shifts")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.shift_id} · {self.audience} · {self.created_at:%Y-%m-%d %H:%M}"


class ShiftMessageDelivery(models.Model):
    """One person's copy of a `ShiftMessage`: the row is the claim that makes it exactly-once (written in
    the transaction that sends it)."""

    message = models.ForeignKey(ShiftMessage, on_delete=models.CASCADE, related_name="deliveries")
    volunteer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["message", "volunteer"], name="one_delivery_per_message_and_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.message_id} → {self.volunteer_id}"


class WaiverAcceptance(models.Model):
    """A person accepted a version of a call's waiver: on signing up, or later when staff changed the text
    and its version. Kept as the record of what they agreed to and when."""

    class Channel(models.TextChoices):
        WEB = "web", _("website")
        API = "api", _("app (API)")
        WALK_IN = "in", _("at the site, told by its lead")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="waiver_acceptances"
    )
    call = models.ForeignKey(OpenCallPage, on_delete=models.CASCADE, related_name="waiver_acceptances")
    version = models.CharField(_("version"), max_length=20)
    accepted_at = models.DateTimeField(_("accepted at"), default=timezone.now)
    channel = models.CharField(_("channel"), max_length=3, choices=Channel.choices)

    class Meta:
        verbose_name = _("waiver acceptance")
        verbose_name_plural = _("waiver acceptances")
        constraints = [
            models.UniqueConstraint(fields=["person", "call", "version"], name="one_acceptance_per_version"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} · {self.call_id} · {self.version}"


class CoverNotice(models.Model):
    """That a person was told of a place freed at short notice on a shift (a call for cover): at most once
    per person and shift. Written with the cancellation that freed the place; sent from there (outbox)."""

    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="cover_notices")
    volunteer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["shift", "volunteer"], name="cover_notice_once_per_person_and_shift"
            )
        ]

    def __str__(self) -> str:
        return f"cover {self.shift_id} → {self.volunteer_id}"


class SavedSearch(models.Model):
    """A citizen's standing search: tell me when a call opens of this department, service or district."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    department = models.ForeignKey(
        "city.Department", on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("department")
    )
    service = models.ForeignKey(
        "city.Service", on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("service")
    )
    district = models.ForeignKey(
        "city.District", on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("district")
    )
    is_active = models.BooleanField(_("on"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")

    def __str__(self) -> str:
        return " · ".join(str(part) for part in (self.department, self.service, self.district) if part)


class SavedSearchNotice(models.Model):
    """That a person was told of a new call their saved searches match: once per person and call, however
    many of their searches match and however often the call is published again."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    call = models.ForeignKey(OpenCallPage, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "call"], name="saved_search_notice_once_per_call")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} ← {self.call_id}"
