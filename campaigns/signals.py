from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import receiver
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from city.models import Department, District, Service

from . import saved_searches
from .models import (
    CALL_SEARCHED_FIELDS,
    CallClosure,
    CallIndexPage,
    OpenCallPage,
    Shift,
    call_search_vectors_refresh,
)
from .selectors import call_list_counts_expire
from .services import call_schedule_refresh, call_stopped_taking_part


@receiver(page_published, sender=OpenCallPage)
def tell_people_whose_saved_searches_match(sender, instance, **kwargs):
    saved_searches.saved_searches_call_published(call=instance)


@receiver(page_unpublished, sender=OpenCallPage)
def tell_volunteers_when_a_call_is_unpublished(sender, instance, **kwargs):
    call_stopped_taking_part(call=instance)


# The listing's per-call schedule follows the shifts in the same transaction, whichever code saved them
# (the staff area's shift forms, the demo loader, factories).
@receiver(post_save, sender=Shift)
@receiver(post_delete, sender=Shift)
def refresh_call_schedule_after_shift_change(sender, instance, **kwargs):
    if OpenCallPage.objects.filter(pk=instance.call_id).exists():
        call_schedule_refresh(call_id=instance.call_id)


@receiver(post_save, sender=OpenCallPage)
def give_a_new_call_its_schedule(sender, instance, created, **kwargs):
    if created:
        call_schedule_refresh(call_id=instance.pk)


# The listing's cached counts (campaigns.selectors.call_list_count) are forgotten on every change of which
# calls are listed: pages saved (publishing and unpublishing save them), moved or deleted, view
# restrictions, shifts (the date filters), the catalogue (filters by slug and number); the listing page's
# own title and intro (the page kept whole for readers without a session shows them). Changes of free
# places go through call_schedule_refresh, which forgets the counts that depend on them.
@receiver(post_save, sender=OpenCallPage)
@receiver(post_delete, sender=OpenCallPage)
@receiver(post_save, sender=CallIndexPage)
@receiver(post_delete, sender=CallIndexPage)
@receiver(post_save, sender=Page)
@receiver(post_delete, sender=Page)
@receiver(post_page_move)
@receiver(post_save, sender=PageViewRestriction)
@receiver(post_delete, sender=PageViewRestriction)
@receiver(post_save, sender=Shift)
@receiver(post_delete, sender=Shift)
@receiver(post_save, sender=Service)
@receiver(post_delete, sender=Service)
@receiver(post_save, sender=District)
@receiver(post_delete, sender=District)
@receiver(post_save, sender=Department)
@receiver(post_delete, sender=Department)
def forget_listing_counts(sender, **kwargs):
    call_list_counts_expire()


@receiver(post_save, sender=CallClosure)
@receiver(post_delete, sender=CallClosure)
def forget_listing_counts_of_free_places(sender, instance, **kwargs):
    call_list_counts_expire(free_places_only=True, call_id=instance.call_id, closure=True)


@receiver(post_migrate)
def forget_listing_counts_after_migrating(sender, **kwargs):
    # A data migration, or a flush (which sends this too), changes calls without saving them one by one.
    if sender.label == "campaigns":
        call_list_counts_expire()


# Columns of the call's own tables whose saving changes what it is found by; a draft saved as a revision
# writes none of them (the live text stays), and its vector stays.
_SEARCHED_COLUMNS = {field.split("__")[0] for field in CALL_SEARCHED_FIELDS}


@receiver(post_save, sender=OpenCallPage)
@receiver(post_save, sender=Page)
def refresh_call_search_vector(sender, instance, update_fields=None, raw=False, **kwargs):
    # A raw save (loaddata, a test database restored) writes the stored vector as it was, and may come
    # before the content types it would need to look the page's type up.
    if raw:
        return
    if sender is Page and instance.specific_class is not OpenCallPage:
        return
    if update_fields is not None and not _SEARCHED_COLUMNS.intersection(update_fields):
        return
    call_search_vectors_refresh(calls=OpenCallPage.objects.filter(pk=instance.pk))


@receiver(post_save, sender=Service)
def refresh_search_vectors_of_the_service_calls(sender, instance, raw=False, **kwargs):
    if raw:
        return
    call_search_vectors_refresh(calls=OpenCallPage.objects.filter(service=instance))


@receiver(post_save, sender=District)
def refresh_search_vectors_of_the_district_calls(sender, instance, raw=False, **kwargs):
    if raw:
        return
    call_search_vectors_refresh(calls=OpenCallPage.objects.filter(district=instance))
