"""A developer's machine (`./dev run`, a bare `python manage.py …`): the embedded defaults of base.py with
Django's debug pages and a development key. Never for a site anyone else reaches."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="insecure-development-key-never-use-it-in-production")
