from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from campaigns import selectors as campaign_selectors
from core import page_routes
from core.cached_answers import page_kept_for_readers
from core.localization import localized
from core.page_routes import KeptViewRestrictionsMixin

from . import selectors


class HomePage(KeptViewRestrictionsMixin, Page):
    """The site's front page: what Hamyar is, the services people can take over, and headline numbers.

    Text exists in Persian and English on the one page, so that both languages share one page tree.
    """

    hero_title_en = models.CharField(_("headline (English)"), max_length=200, blank=True)
    intro_fa = RichTextField(_("introduction (Persian)"), blank=True, features=["bold", "italic", "link"])
    intro_en = RichTextField(_("introduction (English)"), blank=True, features=["bold", "italic", "link"])

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("hero_title_en"), FieldPanel("intro_fa"), FieldPanel("intro_en")],
            heading=_("Introduction"),
        ),
    ]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["campaigns.CallIndexPage"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    @property
    def hero_title_fa(self) -> str:
        return self.title

    @property
    def hero_title(self) -> str:
        return localized(self, "hero_title")

    @property
    def intro(self) -> str:
        return localized(self, "intro")

    def route(self, request, path_components):
        # The site's pages are found from here: kept per path until the page tree changes (core.page_routes).
        return page_routes.route_kept(self, request, path_components, super().route)

    def serve(self, request, *args, **kwargs):
        # The front page shows calls, free places and the catalogue: kept whole under the calls' versions,
        # which its own edits replace too (cms.signals), and the free places of the calls it shows, for
        # every reader but staff and those with messages waiting; signed-in readers get their own part of
        # the header put in, and every reader the city's figures as they are now (a sign-up anywhere
        # changes them, and would otherwise have the whole page rendered again).
        return page_kept_for_readers(
            request,
            key_for=campaign_selectors.home_page_response_key,
            seconds=campaign_selectors.CALL_COUNT_SECONDS,
            render=lambda reader: super(HomePage, self).serve(reader, *args, **kwargs),
            freshness=campaign_selectors.LISTING_FRESHNESS,
            current_parts=self.current_parts,
        )

    def current_parts(self, request) -> str:
        """The parts of the page rendered afresh for every reader (see `serve`), each between its markers."""
        context = {"headline": selectors.headline_numbers()}
        return render_to_string("cms/includes/home_current_parts.html", context, request=request)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["headline"] = selectors.headline_numbers()
        context["today"] = timezone.localdate()
        context["departments"] = selectors.catalogue_by_department()
        context["upcoming_calls"] = selectors.upcoming_calls()
        return context
