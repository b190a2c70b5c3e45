from django.dispatch import receiver
from wagtail.signals import page_unpublished

from .models import OpenCallPage
from .services import call_stopped_taking_part


@receiver(page_unpublished, sender=OpenCallPage)
def tell_volunteers_when_a_call_is_unpublished(sender, instance, **kwargs):
    call_stopped_taking_part(call=instance)
