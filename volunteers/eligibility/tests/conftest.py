from volunteers.tests.conftest import no_attempts_counted_yet, sms_outbox  # noqa: F401
