"""StreamField blocks for the body of an open call."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageBlock


class FaqBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("question"))
    answer = blocks.RichTextBlock(label=_("answer"), features=["bold", "italic", "link", "ul"])

    class Meta:
        icon = "help"
        label = _("Question and answer")
        template = "campaigns/blocks/faq_block.html"
        preview_value = {
            "question": "آیا باید ابزار همراه داشته باشم؟",
            "answer": "<p>نه، ابزار را شهرداری می‌دهد.</p>",
        }


class ChecklistBlock(blocks.StructBlock):
    """A short list that stands out: what to bring, or how to stay safe."""

    items = blocks.ListBlock(blocks.CharBlock(label=_("item")), label=_("items"))

    class Meta:
        icon = "tasks"


class WhatToBringBlock(ChecklistBlock):
    class Meta:
        label = _("What to bring")
        template = "campaigns/blocks/what_to_bring_block.html"
        preview_value = {"items": ["آب", "کلاه آفتابی", "کفش راحت"]}


class SafetyNotesBlock(ChecklistBlock):
    class Meta:
        icon = "warning"
        label = _("Safety notes")
        template = "campaigns/blocks/safety_notes_block.html"
        preview_value = {"items": ["دستکش را از سر کار درنیاورید.", "از لبهٔ مادی فاصله بگیرید."]}


class CallBodyBlock(blocks.StreamBlock):
    text = blocks.RichTextBlock(
        label=_("Text"), features=["h2", "h3", "bold", "italic", "link", "ol", "ul"], icon="pilcrow"
    )
    image = ImageBlock(label=_("Image"))
    faq = FaqBlock()
    what_to_bring = WhatToBringBlock()
    safety_notes = SafetyNotesBlock()
