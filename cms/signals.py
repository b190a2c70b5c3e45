from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from campaigns.selectors import call_list_counts_expire

from .models import HomePage


# The home page is kept whole for readers without a session under the listing's versions
# (HomePage.serve): its own headline and introduction replace them too.
@receiver(post_save, sender=HomePage)
@receiver(post_delete, sender=HomePage)
def forget_kept_home_page(sender, **kwargs):
    call_list_counts_expire()
