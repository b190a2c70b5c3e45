"""The account tests' fixtures (counted attempts forgotten, the SMS outbox) serve the NGO tests too."""

from volunteers.tests.conftest import no_attempts_counted_yet, sms_outbox  # noqa: F401
