# Celery finds the tasks here; they live beside the code they run.
from .exports import build_data_export_task, delete_expired_data_exports_task  # noqa: F401
