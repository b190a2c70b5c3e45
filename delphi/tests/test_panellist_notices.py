"""Panellists hear of a round once when it opens (their own link, in their language) and once more, a day
before it closes, only if they have not answered; a round past its day is closed by the beat."""

import datetime

import pytest
from django.utils import timezone

from core.localization import persian_digits
from delphi import selectors, services
from delphi.models import Candidate, Panel, Panellist, PanellistNotice, Study
from delphi.notices import panellist_notice_send
from volunteers.sms import OutboxSmsBackend

pytestmark = pytest.mark.django_db


@pytest.fixture
def study():
    found = Study.objects.create(title_fa="خدمات تازه", title_en="New services", question_fa="؟")
    panel = Panel.objects.create(study=found, name_fa="پنل")
    for number in range(2):
        Candidate.objects.create(study=found, panel=panel, name_fa=f"خدمت {number}", sort_order=number)
    Panellist.objects.create(panel=panel, role="professor", name="A", email="a@example.org", language="en")
    Panellist.objects.create(panel=panel, role="process", name="B", phone="09121112233", language="fa")
    OutboxSmsBackend.outbox.clear()
    return found


def open_round(study, *, days=5):
    closes_at = timezone.now() + datetime.timedelta(days=days)
    return services.round_open(study=study, closes_at=closes_at, actor=None)


def test_opening_a_round_sends_each_panellist_their_own_link_once_in_their_language(
    study, mailoutbox, django_capture_on_commit_callbacks
):
    english, persian = Panellist.objects.order_by("pk")
    with django_capture_on_commit_callbacks(execute=True):
        opened = open_round(study)

    assert [message.to for message in mailoutbox] == [["a@example.org"]]
    assert f"/en/delphi/q/{english.token}/" in mailoutbox[0].body and "New services" in mailoutbox[0].body
    [sms] = OutboxSmsBackend.outbox
    assert sms["phone"] == persian.phone
    assert f"/delphi/q/{persian.token}/" in sms["text"] and "/en/" not in sms["text"]
    assert persian_digits(1) in sms["text"]  # round ۱
    # Handing the notice over again sends nothing more.
    notice = PanellistNotice.objects.get(panellist=english, round=opened)
    assert panellist_notice_send(notice_id=notice.pk) is False
    assert len(mailoutbox) == 1


def test_a_day_before_closing_only_those_who_have_not_answered_are_reminded_once(
    study, mailoutbox, django_capture_on_commit_callbacks
):
    english, persian = Panellist.objects.order_by("pk")
    opened = open_round(study, days=2)
    candidates = selectors.candidates_in_round(study=study, number=1)
    services.answers_submit(panellist=persian, round=opened, answers={c.pk: (4, "") for c in candidates})
    mailoutbox.clear()
    OutboxSmsBackend.outbox.clear()

    assert services.rounds_remind_and_close(now=timezone.now())["reminded"] == 0  # two days ahead
    a_day_before = opened.closes_at - datetime.timedelta(hours=20)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.rounds_remind_and_close(now=a_day_before)
    again = services.rounds_remind_and_close(now=a_day_before + datetime.timedelta(hours=1))

    assert (first["reminded"], again["reminded"]) == (1, 0)
    assert [message.to for message in mailoutbox] == [["a@example.org"]]
    assert "Reminder" in mailoutbox[0].subject
    assert OutboxSmsBackend.outbox == []


def test_a_round_past_its_day_is_closed_with_its_figures(study):
    opened = open_round(study, days=1)
    for panellist, scores in zip(Panellist.objects.order_by("pk"), [(5, 2), (4, 1)], strict=True):
        candidates = selectors.candidates_in_round(study=study, number=1)
        answers = {c.pk: (score, "") for c, score in zip(candidates, scores, strict=True)}
        services.answers_submit(panellist=panellist, round=opened, answers=answers)

    done = services.rounds_remind_and_close(now=opened.closes_at + datetime.timedelta(minutes=1))

    opened.refresh_from_db()
    assert done["closed"] == 1 and opened.closed_at is not None
    assert opened.panel_results.get().w == pytest.approx(1)
