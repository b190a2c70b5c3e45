"""Production settings plus the benchmark's own URLs; used only by the stack that bench/run.py starts.

Everything else is exactly config.settings.production, so the figures describe what production serves.
"""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
