"""The Celery application. Broker and eager mode come from settings (REDIS_URL)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hanoi_summit.settings")

app = Celery("hanoi_summit")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
