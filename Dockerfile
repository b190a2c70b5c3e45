# syntax=docker/dockerfile:1
# The Hamyar image: web (gunicorn), Celery worker and Celery beat all run from it; docker/entrypoint.sh
# picks the role. Built by `docker compose up -d --build` (see docs/production.md).

# Python minor version and Debian release pinned; pin a digest here too for fully repeatable builds.
# (The tag always carries the newest 3.11 release; the requirements need at least 3.11.5.)
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- build: Python packages, compiled translations, collected static files ---------------------------------
FROM ${PYTHON_IMAGE} AS build

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/venv/bin:$PATH

# gettext provides msgfmt for compilemessages; it stays in this stage only. Debian package versions are
# not pinned: the pinned base image decides them, and old versions vanish from the archive.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*

# Requirements first, so changing the code does not reinstall every package.
COPY requirements/base.txt /tmp/requirements.txt
RUN python -m venv /opt/venv \
    && pip install -r /tmp/requirements.txt

WORKDIR /app
COPY . .

# Production settings refuse to load without a secret key and allowed hosts. These throwaway values exist
# for this one command and are not kept in the image; the running containers get the real ones from .env.
RUN export DJANGO_SETTINGS_MODULE=config.settings.production \
        DJANGO_SECRET_KEY=build-time-only-not-a-secret \
        DJANGO_ALLOWED_HOSTS=localhost \
    && python manage.py compilemessages -v0 \
    && python manage.py collectstatic --no-input -v0 \
    && python -m compileall -q /app

# --- runtime ------------------------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/var/lib/hamyar/media

# tzdata: the site's time zone (Asia/Tehran) comes from the system zone database. Pango: certificates' PDFs.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends tzdata libpango-1.0-0 libpangoft2-1.0-0 \
    && rm -rf /var/lib/apt/lists/*

# An unprivileged user runs everything. It owns only the directories the named volumes mount on (Docker
# copies that ownership into a new volume); the code and static files stay root's, read-only to it.
RUN groupadd --system --gid 10001 hamyar \
    && useradd --system --uid 10001 --gid hamyar --create-home --home-dir /home/hamyar \
        --shell /usr/sbin/nologin hamyar \
    && mkdir -p /var/lib/hamyar/media /var/lib/hamyar/beat \
    && chown -R hamyar:hamyar /var/lib/hamyar

COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app

WORKDIR /app
# The hamyar user, by number, so container runtimes can tell it is not root.
USER 10001:10001
EXPOSE 8000

# Run through sh, so the script works even from a checkout that lost its executable bit.
ENTRYPOINT ["/bin/sh", "/app/docker/entrypoint.sh"]
CMD ["web"]
