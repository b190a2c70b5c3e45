#!/bin/sh
# Starts one role of the Hamyar image: web (the default), worker or beat. Any other command runs as given,
# so `docker compose run --rm web python manage.py shell` works too.
set -eu

BEAT_SCHEDULE_FILE=/var/lib/hamyar/beat/celerybeat-schedule

case "${1:-web}" in
  web)
    # Migrations run here, before gunicorn starts, so the schema always matches the code being served.
    # Two web containers starting at once would race on the same migrations: with several web machines
    # (docs/scaling.md) set MIGRATE_ON_START=0 on them and run the migrations once, before, as a job.
    if [ "${MIGRATE_ON_START:-1}" = "1" ]; then
      python manage.py migrate --no-input
      # Each department's section of the listing, its staff groups and moderation workflow (idempotent).
      python manage.py setup_departments
    fi
    exec gunicorn --config gunicorn.conf.py
    ;;
  worker)
    # A fixed default concurrency: Celery's own default is the host's CPU count, too many in a container.
    # Scale out with `docker compose up -d --scale worker=N` instead. Below the web server's CPU priority,
    # so that on a shared machine answers come first (a burst's queued sign-ups are decided just after).
    exec nice -n "${CELERY_NICE:-10}" celery -A config worker \
      --loglevel "${LOG_LEVEL:-INFO}" \
      --concurrency "${CELERY_WORKER_CONCURRENCY:-2}"
    ;;
  beat)
    # Remote control lets the health check ask beat `inspect ping`; beat stops answering when it stalls.
    exec celery -A config beat \
      --loglevel "${LOG_LEVEL:-INFO}" \
      --schedule "$BEAT_SCHEDULE_FILE" \
      --enable-remote-control
    ;;
  *)
    exec "$@"
    ;;
esac
