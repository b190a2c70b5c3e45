"""The Persian catalogue is complete: every UI string has a Persian translation with the same placeholders."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def catalogue(language: str):
    path = Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po"
    with path.open("rb") as po_file:
        return read_po(po_file)


def test_every_persian_message_is_translated_and_not_fuzzy():
    untranslated = [
        m.id
        for m in catalogue("fa")
        if m.id and (m.fuzzy or not all(m.string if isinstance(m.string, tuple) else [m.string]))
    ]

    assert untranslated == []


def test_persian_translations_keep_the_placeholders_of_the_original():
    mismatched = [
        m.id
        for m in catalogue("fa")
        if m.id and set(PLACEHOLDER.findall(str(m.id))) != set(PLACEHOLDER.findall(str(m.string)))
    ]

    assert mismatched == []


def test_english_is_the_source_language_so_its_catalogue_needs_no_translations():
    english = catalogue("en")

    assert len(english) > 0
    translated = [
        m.id for m in english if m.id and any(m.string if isinstance(m.string, tuple) else [m.string])
    ]
    assert translated == []


@pytest.mark.django_db
def test_wagtails_admin_speaks_persian_where_wagtails_own_catalogue_does_not(client, django_user_model):
    """locale_wagtail/ fills the strings Wagtail's Persian catalogue leaves in English, with the same
    placeholders."""
    path = Path(settings.BASE_DIR) / "locale_wagtail" / "fa" / "LC_MESSAGES" / "django.po"
    with path.open("rb") as po_file:
        wagtail_fa = read_po(po_file)
    for message in wagtail_fa:
        if message.id:
            assert message.string and not message.fuzzy, message.id
            placeholders = set(PLACEHOLDER.findall(message.id))
            assert placeholders == set(PLACEHOLDER.findall(message.string)), message.id

    from django.utils import translation

    with translation.override("fa"):
        assert translation.gettext("Search all pages…") == "جست‌وجو در همهٔ صفحه‌ها…"
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "a-long-secret-9")
    client.force_login(admin)
    page = client.get("/admin/pages/").content.decode()
    assert "Has child pages" not in page and "زیرصفحه دارد" in page
