"""What the city is: its departments (the deputies that own services and verify work), the catalogue of
services citizens can take over with the Delphi study's figures, and its districts.

The bottom of the domain: every app above may refer to these; this app imports only `core`.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.localization import format_date, localized


class Department(models.Model):
    """A deputy of the municipality that owns some services and verifies the work done for them.

    Kendall's W and the panel size describe how strongly that department's Delphi panel agreed.
    """

    slug = models.SlugField(_("slug"), max_length=64, unique=True)
    name_fa = models.CharField(_("name (Persian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    panel_size = models.PositiveSmallIntegerField(_("Delphi panel size"), null=True, blank=True)
    kendall_w_round_2 = models.DecimalField(
        _("Kendall's W, round 2"), max_digits=4, decimal_places=3, null=True, blank=True
    )
    kendall_w_round_3 = models.DecimalField(
        _("Kendall's W, round 3"), max_digits=4, decimal_places=3, null=True, blank=True
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    staff_group = models.OneToOneField(
        "auth.Group",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="department",
        verbose_name=_("staff group"),
        help_text=_(
            "Members of this group are the department's staff: they publish its calls and verify its work."
        ),
    )
    approvers_group = models.OneToOneField(
        "auth.Group",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="approving_department",
        verbose_name=_("approvers group"),
        help_text=_("Members of this group approve and publish the department's calls."),
    )

    class Meta:
        ordering = ["sort_order", "slug"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def day(self) -> str:
        """The day as staff read it: Jalali in Persian."""
        return format_date(self.date)


class Service(models.Model):
    """A municipal service that citizens can take over, from the study's catalogue or added by staff.

    Open calls are published for a service; its department's staff verify the work done for it.
    """

    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="services", verbose_name=_("department")
    )
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    study_number = models.PositiveSmallIntegerField(
        _("number in the Delphi study"),
        null=True,
        blank=True,
        unique=True,
        help_text=_("Empty for services added after the study."),
    )
    name_fa = models.CharField(_("full name (Persian)"), max_length=300)
    name_en = models.CharField(_("full name (English)"), max_length=300, blank=True)
    short_name_fa = models.CharField(_("short name (Persian)"), max_length=80)
    short_name_en = models.CharField(_("short name (English)"), max_length=80, blank=True)
    description_fa = models.TextField(_("description (Persian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive services take no new open calls.")
    )
    contractor_hour_cost = models.PositiveBigIntegerField(
        _("contractor's cost of an hour (rials)"),
        null=True,
        blank=True,
        help_text=_(
            "What an hour of this work costs the city through a contractor: the open city shows verified "
            "hours times this as what volunteering saved."
        ),
    )

    class Meta:
        ordering = ["department__sort_order", "study_number", "slug"]
        verbose_name = _("service")
        verbose_name_plural = _("services")

    def __str__(self) -> str:
        return self.short_name

    def get_absolute_url(self) -> str:
        return reverse("campaigns:service_detail", kwargs={"slug": self.slug})

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def day(self) -> str:
        """The day as staff read it: Jalali in Persian."""
        return format_date(self.date)

    @property
    def short_name(self) -> str:
        return localized(self, "short_name")

    @property
    def description(self) -> str:
        return localized(self, "description")

    @property
    def is_from_study(self) -> bool:
        return self.study_number is not None


class DelphiRound(models.Model):
    """One round of the Delphi study's rating of a service: the panel's mean and standard deviation.

    Ratings are on a 5-point Likert scale; a mean above 3 made the service crowdsourceable.
    """

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="delphi_rounds")
    round_number = models.PositiveSmallIntegerField(
        _("round"), validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    mean = models.DecimalField(
        _("mean"), max_digits=3, decimal_places=2, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    standard_deviation = models.DecimalField(_("standard deviation"), max_digits=3, decimal_places=2)

    class Meta:
        ordering = ["service", "round_number"]
        verbose_name = _("Delphi round")
        verbose_name_plural = _("Delphi rounds")
        constraints = [
            models.UniqueConstraint(fields=["service", "round_number"], name="delphi_round_once_per_service"),
            models.CheckConstraint(
                condition=models.Q(mean__gte=1, mean__lte=5), name="delphi_mean_on_likert_scale"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service.slug} round {self.round_number}"


class District(models.Model):
    """A municipal district (منطقه) of the city; calls happen in one and listings filter by it."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    name_fa = models.CharField(_("name (Persian)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    population = models.PositiveIntegerField(
        _("population"),
        null=True,
        blank=True,
        help_text=_("Residents, from the latest census: the open city shows participation per thousand."),
    )

    class Meta:
        ordering = ["number"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def day(self) -> str:
        """The day as staff read it: Jalali in Persian."""
        return format_date(self.date)


class Holiday(models.Model):
    """A day the city's offices are closed besides its weekly days off: answers owed to citizens are not
    due on it (city.working_time). The solar holidays come with Hamyar; the lunar ones move every year and
    are entered by staff when the government announces them."""

    date = models.DateField(_("date"), unique=True)
    name_fa = models.CharField(_("name (Persian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def day(self) -> str:
        """The day as staff read it: Jalali in Persian."""
        return format_date(self.date)
