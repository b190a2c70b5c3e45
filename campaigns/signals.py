from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.signals import page_unpublished

from .models import OpenCallPage, Shift
from .services import call_schedule_refresh, call_stopped_taking_part


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
