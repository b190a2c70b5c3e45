from django.db import models
from django.utils.translation import gettext_lazy as _


class FiguresSnapshot(models.Model):
    """Every open city dataset as last computed (one row): what the page, the downloads and the API read,
    so that readers never wait for the computation and the figures survive a cache that is emptied or
    down. The beat task writes it every few minutes; a reader who finds it old asks for a new one."""

    datasets = models.JSONField(_("datasets"), default=dict)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    # When a refresh was last asked for and not yet done: one at a time, however many readers ask.
    refresh_asked_at = models.DateTimeField(_("refresh asked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("open city figures")
        verbose_name_plural = _("open city figures")

    def __str__(self) -> str:
        return f"open city figures of {self.computed_at}"
